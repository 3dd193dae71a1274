import Foundation
import Testing
import Varlink
@testable import SSCardKiosk

/// The page's pieces: inputs, the rendered model, the session secret, the
/// spoken prompts and the compiled-in assets.
@Suite struct PageTests {
    @Test func inputs() throws {
        func key(_ text: String) throws -> Key { try PageInput.key(from: Array(text.utf8)) }
        #expect(try key(#"{"key":"digit","value":7}"#) == .digit(7))
        #expect(try key(#"{"key":"enter"}"#) == .enter)
        #expect(try key(#"{"key":"cancel"}"#) == .escape)
        #expect(try key(#"{"key":"language","value":"en"}"#) == .setLanguage(.en))
        #expect(try key(#"{"key":"answer","value":false}"#) == .answer(false))
        #expect(try key(#"{"key":"moreTime"}"#) == .moreTime)
        for bad in [#"{"key":"digit","value":10}"#, #"{"key":"digit"}"#, #"{"key":"enter","value":1}"#,
                    #"{"key":"reboot"}"#, #"[1]"#, #"{"key":"digit","value":1,"x":2}"#, "not json",
                    #"{"key":"language","value":"fr"}"#, #"{"key":{"a":{"b":1}}}"#] {
            #expect(throws: PageInput.Refusal.self, "\(bad)") { try key(bad) }
        }
    }

    @Test(arguments: Fixture.allCases)
    func theModelNeverCarriesDigitsNamesOrNumbers(_ fixture: Fixture) throws {
        for language in Language.allCases {
            let state = fixture.make(language: language)
            let text = String(decoding: PageModel(state: state, speechAvailable: true).json().serialized(), as: UTF8.self)
            #expect(!text.contains("张三丰") && !text.contains("A00000011") && !text.contains("11010519491231002X"))
            for pin in ["123456", "654321", "\"12\""] { #expect(!text.contains(pin), "\(fixture): \(pin)") }
            let model = PageModel(state: state, speechAvailable: true).json()
            #expect(model["screen"]?.string == PageModel(state: state, speechAvailable: true).screenName)
            #expect(SpeechPrompt.text(model["prompt"]?.string ?? "") != nil, "\(fixture) has a spoken prompt")
            if case let .pinEntry(stage, _) = state.screen {
                #expect(model["pin"]?["dots"]?.int == Int64(state.pinCount(stage)))
            } else {
                #expect(model["pin"] == nil)
            }
        }
    }

    @Test func theWarningAndTheControls() {
        var state = Fixture.menu.make()
        state.handle(.elapsed(25))
        let model = PageModel(state: state, speechAvailable: false).json()
        #expect(model["warning"]?["seconds"]?.int == 5)
        #expect(model["warning"]?["action"]?["key"]?.string == "moreTime")
        #expect(model["prompt"]?.string == "timeout")
        #expect(model["controls"]?["speech"] == nil)  // no espeak-ng: no speech controls
        #expect(model["controls"]?["language"]?["value"]?.string == "en")
    }

    @Test func theSecretOpensOneSession() {
        let session = PageSession()
        #expect(session.secret.count == 64)
        #expect(session.start(secret: "00") == nil)
        #expect(session.start(secret: nil) == nil)
        let first = session.start(secret: session.secret)!
        func request(_ cookie: String?) -> HTTPRequest {
            HTTPRequest(method: .get, path: "/", query: "", headers: cookie.map { ["cookie": "x=1; sscard-kiosk=\($0)"] } ?? [:],
                        body: [])
        }
        #expect(session.admits(request(first)))
        #expect(!session.admits(request(nil)) && !session.admits(request((first.hasPrefix("0") ? "1" : "0") + first.dropFirst())))
        let second = session.start(secret: session.secret)!
        #expect(session.admits(request(second)) && !session.admits(request(first)))
        #expect(session.startPage(port: 8181).contains("http://127.0.0.1:8181/start?secret=\(session.secret)"))
    }

    @Test func theStartPageIsWrittenPrivately() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-page-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = PageSession()
        try session.writeStartPage(to: directory + "/start.html", port: 9000)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/start.html")
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
        let text = try String(contentsOfFile: directory + "/start.html", encoding: .utf8)
        #expect(text.contains(session.secret))
    }

    @Test func theResponsesForbidCachingAndForeignContent() {
        let text = String(decoding: HTTPResponse(.ok, contentType: "text/html", body: [65]).serialized(), as: UTF8.self)
        for header in ["Cache-Control: no-store", "X-Content-Type-Options: nosniff", "Content-Security-Policy: default-src 'self'",
                       "Referrer-Policy: no-referrer", "Content-Length: 1", "Connection: close"] {
            #expect(text.contains(header + (header.hasSuffix("'self'") ? ";" : "\r\n")), "\(header)")
        }
    }

    @Test func everySpokenPromptHasBothLanguagesAndTheWAVLengthsAreFixed() {
        for id in SpeechPrompt.allIds {
            let text = SpeechPrompt.text(id)
            #expect(text != nil && !(text!.zh.isEmpty) && !(text!.en.isEmpty), "\(id)")
        }
        var wav = Array("RIFF".utf8) + [0x24, 0xF0, 0xFF, 0x7F] + Array("WAVEfmt ".utf8) + Array(repeating: 0, count: 20)
        wav += Array("data".utf8) + [0, 0xF0, 0xFF, 0x7F] + Array(repeating: 1, count: 100)
        let fixed = SpeechSynthesizer.fixLengths(wav)
        #expect(fixed[4] == 136 && fixed[5] == 0 && fixed[40] == 100 && fixed[41] == 0)
    }

    /// scripts/embed-kiosk-page regenerates PageAssets.swift after a change to share/kiosk-page.
    @Test func theCompiledInPageMatchesItsSources() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("share/kiosk-page")
        for (file, embedded) in [("index.html", PageAssets.htmlText), ("page.css", PageAssets.styleText),
                                 ("page.js", PageAssets.scriptText)] {
            let source = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            #expect(source == embedded + "\n" || source == embedded, "\(file): run scripts/embed-kiosk-page")
        }
    }
}
