import Testing
import SSCardValues
@testable import SSCardKiosk

@Suite struct KioskRendererTests {
    let renderer = KioskRenderer(formatTime: { _ in "2026-12-01 09:48" })

    static let sizes = [(100, 30), (80, 24), (60, 20), (40, 12), (20, 6), (1, 1)]

    @Test(arguments: Fixture.allCases)
    func everyScreenFillsTheTerminalExactly(_ fixture: Fixture) {
        for language in Language.allCases {
            let state = fixture.make(language: language)
            for (columns, rows) in Self.sizes {
                let lines = renderer.render(state, columns: columns, rows: rows)
                #expect(lines.count == rows, "\(fixture) \(columns)×\(rows)")
                for line in lines {
                    #expect(DisplayWidth.of(line) == columns, "\(fixture) \(columns)×\(rows): '\(line)'")
                }
                let text = lines.joined(separator: "\n")
                #expect(!text.contains("张三丰"), "\(fixture): the full name must never show")
                #expect(!text.contains("11010519491231002X"), "\(fixture): the SSN must never show")
                #expect(!text.contains("A00000011"), "\(fixture): the card number shows masked only")
            }
        }
    }

    @Test(arguments: [Fixture.pinOld, .pinNew, .pinConfirm])
    func pinScreensShowStarsOnly(_ fixture: Fixture) {
        let state = fixture.make()
        let text = renderer.render(state, columns: 100, rows: 30).joined(separator: "\n")
        let stage: PinStage = fixture == .pinOld ? .old : fixture == .pinNew ? .new : .confirm
        let stars = String(repeating: "*", count: state.pinCount(stage))
        #expect(text.contains("[ \(stars) ]"))
        for digits in ["12", "123456", "65", "654321"] { #expect(!text.contains(digits)) }
    }

    @Test func welcomeIsBilingual() {
        for language in Language.allCases {
            let text = renderer.render(KioskState(language: language), columns: 100, rows: 30).joined()
            #expect(text.contains("请插入社会保障卡"))
            #expect(text.contains("Please insert your card"))
        }
    }

    @Test func menuShowsTheMaskedNameAndState() {
        let text = renderer.render(Fixture.menu.make(), columns: 100, rows: 30).joined(separator: "\n")
        #expect(text.contains("姓名：张**"))
        #expect(text.contains("卡状态：正常"))
        for item in ["1  状态查询", "2  临时挂失", "3  启用", "4  修改密码", "0  退出"] { #expect(text.contains(item)) }
        let english = renderer.render(Fixture.menu.make(language: .en), columns: 100, rows: 30).joined(separator: "\n")
        #expect(english.contains("Name: 张**"))
        #expect(english.contains("Card state: Active"))
    }

    @Test func lossScreenShowsBothRemindersAndTheEnd() {
        let text = renderer.render(Fixture.lossReported.make(), columns: 100, rows: 30).joined(separator: "\n")
        #expect(text.contains(Fixture.reminder.zh))
        #expect(text.contains("Please also report the loss"))
        #expect(text.contains("临时挂失到期：2026-12-01 09:48"))
        #expect(text.contains("卡状态：临时挂失"))
    }

    @Test func longTextWrapsWithinNarrowTerminals() {
        let lines = renderer.render(Fixture.lossReported.make(language: .en), columns: 40, rows: 30)
        let body = lines.joined(separator: " ").split(separator: " ").joined(separator: " ")
        #expect(body.contains("Please also report the loss of the card's financial (bank) function"))
    }

    @Test func noticesAreBilingual() {
        var state = Fixture.menu.make()
        state.screen = .notice(.wrongPin(triesLeft: 2))
        let text = renderer.render(state, columns: 100, rows: 30).joined(separator: "\n")
        #expect(text.contains("密码错误，还可尝试 2 次"))
        #expect(text.contains("Wrong PIN: 2 tries left"))
    }

    // MARK: Masking

    @Test(arguments: [("张三丰", "张**"), ("李四", "李*"), ("王", "王*"), ("", ""), ("欧阳娜娜", "欧***"),
                      ("ZHANG SAN", "Z********")])
    func maskName(_ name: String, _ masked: String) {
        #expect(KioskRenderer.maskName(name) == masked)
    }

    @Test func maskCardNumber() {
        #expect(KioskRenderer.maskCardNumber("A00000011") == "A0*****11")
        #expect(KioskRenderer.maskCardNumber("1234") == "****")
    }

    // MARK: Width

    @Test func hanCharactersTakeTwoColumns() {
        #expect(DisplayWidth.of("张三丰") == 6)
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("姓名：张**") == 10)  // full-width colon is wide
        #expect(DisplayWidth.of("e\u{301}") == 1)  // a combining accent takes none
        #expect(DisplayWidth.of("Ａ") == 2)  // full-width Latin
    }

    @Test func cuttingNeverSplitsAWideCharacter() {
        #expect(DisplayWidth.prefix("张三丰", columns: 5) == "张三")
        #expect(DisplayWidth.fit("张三丰", columns: 5) == "张三 ")
        #expect(DisplayWidth.center("张", columns: 6) == "  张  ")
        #expect(DisplayWidth.of(DisplayWidth.center("请插入社会保障卡", columns: 7)) == 7)
    }

    @Test func wrapping() {
        #expect(DisplayWidth.wrap("one two three four", columns: 9) == ["one two", "three", "four"])
        #expect(DisplayWidth.wrap("请同时向发卡银行挂失", columns: 8) == ["请同时向", "发卡银行", "挂失"])
        for line in DisplayWidth.wrap(Fixture.reminder.en, columns: 20) { #expect(DisplayWidth.of(line) <= 20) }
    }

    @Test func rfc3339() {
        #expect(KioskRenderer.parseRFC3339("1970-01-02T00:00:00Z") == 86_400)
        #expect(KioskRenderer.parseRFC3339("2026-12-01T01:48:56.997Z") == 1_796_089_736)
        #expect(KioskRenderer.parseRFC3339("soon") == nil)
        #expect(KioskRenderer.localTime("not a time") == "not a time")
    }
}
