#if canImport(Glibc)
import Glibc
#endif
import SSCardValues

/// Turns a state into the screen's text: exactly `rows` lines, each exactly
/// `columns` terminal columns wide. A title bar, the screen's body centred,
/// and the keys at the bottom. PIN digits never reach it: the state's
/// buffers are asked only for their count, shown as stars.
public struct KioskRenderer: Sendable {
    /// Formats the RFC 3339 loss end for the holder; local time by default.
    public var formatTime: @Sendable (String) -> String

    public init(formatTime: @escaping @Sendable (String) -> String = KioskRenderer.localTime) {
        self.formatTime = formatTime
    }

    public func render(_ state: KioskState, columns: Int, rows: Int) -> [String] {
        let columns = max(1, columns)
        let rows = max(1, rows)
        let language = state.language
        var (body, keys) = content(state)
        if let seconds = state.idleWarning {
            body += ["", KioskText.idleWarning(seconds)(language)]
        }

        let title = "  " + KioskText.title(language)
        let toggle = KioskText.keysLanguage(language) + "  "
        let gap = columns - DisplayWidth.of(title) - DisplayWidth.of(toggle)
        let header = gap >= 1 ? title + String(repeating: " ", count: gap) + toggle : title

        var lines: [String] = [DisplayWidth.fit(header, columns: columns),
                               String(repeating: "=", count: columns)]
        let bodyRows = max(0, rows - 4)
        var wrapped: [String] = []
        for line in body {
            if DisplayWidth.of(line) <= columns - 2 {
                wrapped.append(line)
            } else {
                wrapped.append(contentsOf: DisplayWidth.wrap(line, columns: max(1, columns - 4)))
            }
        }
        let top = max(0, (bodyRows - wrapped.count) / 2)
        for row in 0..<bodyRows {
            let index = row - top
            let text = wrapped.indices.contains(index) ? wrapped[index] : ""
            lines.append(DisplayWidth.center(text, columns: columns))
        }
        lines.append(String(repeating: "-", count: columns))
        lines.append(DisplayWidth.fit("  " + keys, columns: columns))
        // Too small a terminal: keep the title and the body's first lines.
        if lines.count > rows { lines = Array(lines.prefix(rows)) }
        return lines
    }

    /// The body's lines and the key hints for the state's screen.
    func content(_ state: KioskState) -> (body: [String], keys: String) {
        let l = state.language
        let back = KioskText.keysBack(l)
        switch state.screen {
        case .welcome:
            var body = [KioskText.welcome(l), "", KioskText.insertCard.zh, KioskText.insertCard.en]
            if state.holder != nil { body += ["", KioskText.resume(l)] }
            return (body, state.holder != nil ? KioskText.keysEnter(l) : "")
        case .unavailable:
            return ([KioskText.unavailable.zh, KioskText.unavailable.en, "", KioskText.reconnecting(l)], "")
        case .loading:
            return ([KioskText.loading(l)], "")
        case .working:
            return (holderLines(state) + ["", KioskText.working(l)], "")
        case .menu:
            let items = [("1", KioskText.menuStatus), ("2", KioskText.menuLoss), ("3", KioskText.menuActivate),
                         ("4", KioskText.menuPassword), ("5", KioskText.menuProgress), ("0", KioskText.menuExit)]
                .map { "\($0.0)  \($0.1(l))" }
            return (holderLines(state) + stateLines(state) + ["", KioskText.chooseService(l), ""] + block(items),
                    back)
        case .status:
            var lines = holderLines(state) + [
                "\(KioskText.cardNumber(l))\(colon(l))\(Self.maskCardNumber(state.status?.cardNumber ?? state.holder?.cardNumber ?? ""))",
            ] + stateLines(state)
            if let previous = state.status?.previousState {
                lines.append("\(KioskText.previousState(l))\(colon(l))\(KioskText.state(previous)(l))")
            }
            lines += lossEndLines(state)
            return (lines, back)
        case .confirmLoss:
            return (holderLines(state) + ["", KioskText.confirmLoss(l), KioskText.confirmLossDetail(l), ""]
                        + block(["1  \(KioskText.confirm(l))", "0  \(KioskText.cancel(l))"]), back)
        case .electronicCredential:
            return (holderLines(state) + ["", KioskText.credentialQuestion(l), ""]
                        + block(["1  \(KioskText.credentialContinue(l))", "2  \(KioskText.credentialSuspend(l))"]), back)
        case .progress(let applications):
            var lines = holderLines(state) + ["", KioskText.menuProgress(l), ""]
            if applications.isEmpty { lines.append(KioskText.noApplications(l)) }
            for application in applications {
                lines.append("\(KioskText.applicationKind(application.kind)(l))\(colon(l))\(KioskText.stage(application.stage)(l))")
                if let date = application.expectedDate { lines.append("\(KioskText.expectedDate(l))\(colon(l))\(date)") }
                if let place = application.collectAt { lines.append("\(KioskText.collectAt(l))\(colon(l))\(place)") }
            }
            return (lines, back)
        case .lossReported(let reminder):
            var lines = [KioskText.lossDone(l), ""] + stateLines(state) + lossEndLines(state)
            let texts = reminder.both(l).filter { !$0.isEmpty }
            if !texts.isEmpty { lines += [""] + texts }
            return (lines, back)
        case let .pinEntry(stage, hint):
            let prompt: Bilingual
            switch stage {
            case .old: prompt = KioskText.enterOldPin
            case .new: prompt = KioskText.enterNewPin
            case .confirm: prompt = KioskText.confirmNewPin
            }
            let stars = String(repeating: "*", count: state.pinCount(stage))
            var lines = [KioskText.menuPassword(l), "", prompt(l), "", "[ \(stars.isEmpty ? " " : stars) ]", ""]
            if let hint { lines += KioskText.notice(hint).both(l) } else { lines.append(KioskText.pinPrivacy(l)) }
            return (lines, KioskText.keysPin(l))
        case .notice(let notice):
            return (KioskText.notice(notice).both(l) + ["", KioskText.pressEnter(l)], KioskText.keysEnter(l))
        }
    }

    private func colon(_ language: Language) -> String { language == .zh ? "：" : ": " }

    private func holderLines(_ state: KioskState) -> [String] {
        guard let holder = state.holder else { return [] }
        return ["\(KioskText.name(state.language))\(colon(state.language))\(Self.maskName(holder.name))"]
    }

    private func stateLines(_ state: KioskState) -> [String] {
        guard let status = state.status else { return [] }
        return ["\(KioskText.state(state.language))\(colon(state.language))\(KioskText.state(status.state)(state.language))"]
    }

    private func lossEndLines(_ state: KioskState) -> [String] {
        guard let end = state.status?.lossExpiresAt else { return [] }
        return ["\(KioskText.lossEnds(state.language))\(colon(state.language))\(formatTime(end))"]
    }

    /// Lines padded to the widest, so that centring keeps them left-aligned.
    private func block(_ lines: [String]) -> [String] {
        let width = lines.map(DisplayWidth.of).max() ?? 0
        return lines.map { $0 + String(repeating: " ", count: width - DisplayWidth.of($0)) }
    }

    // MARK: Masking

    /// Names and card numbers on screen are masked as everywhere else
    /// (`PersonalData`): a passer-by must not read them off the kiosk.
    public static func maskName(_ name: String) -> String { PersonalData.maskName(name) }

    public static func maskCardNumber(_ number: String) -> String { PersonalData.maskCardNumber(number) }

    // MARK: Time

    /// "2025-06-08T09:30:00Z" as local "2025-06-08 17:30"; unparsable text unchanged.
    public static let localTime: @Sendable (String) -> String = { text in
        guard let seconds = parseRFC3339(text) else { return text }
        var time = time_t(seconds)
        var parts = tm()
        guard localtime_r(&time, &parts) != nil else { return text }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min))"
    }

    /// Seconds since the epoch for "YYYY-MM-DDTHH:MM:SS[.fff]Z".
    static func parseRFC3339(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int32? {
            var value: Int32 = 0
            for index in range {
                let byte = bytes[index]
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int32(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Int(timegm(&parts))
    }
}
