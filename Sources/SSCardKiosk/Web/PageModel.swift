import Varlink

/// A state as the page shows it: every text already worded in the chosen
/// language, every button with the input it sends. The page's script only
/// draws this; no behaviour lives there. PIN digits appear as a count only,
/// and names and card numbers masked as on the terminal.
struct PageModel {
    let state: KioskState
    let speechAvailable: Bool
    var formatTime: @Sendable (String) -> String = KioskRenderer.localTime

    private var l: Language { state.language }

    func json() -> JSONValue {
        let body = content()
        var fields: [String: JSONValue] = [
            "screen": .string(screenName),
            "prompt": .string(SpeechPrompt.id(for: state)),
            "lang": .string(l.rawValue),
            "largeText": .bool(state.largeText),
            "title": .string(KioskText.title(l)),
            "heading": .string(body.heading),
            "lines": .array(body.lines.map(JSONValue.string)),
            "emphasis": .array(body.emphasis.map(JSONValue.string)),
            "actions": .array(body.actions),
            "busy": .bool(body.busy),
            "controls": controls(),
        ]
        if case let .pinEntry(stage, _) = state.screen {
            fields["pin"] = .object(["dots": .int(Int64(state.pinCount(stage))), "pad": pinPad()])
        }
        if let seconds = state.idleWarning {
            fields["warning"] = .object(["text": .string(KioskText.idleWarning(seconds)(l)), "seconds": .int(Int64(seconds)),
                                         "action": action(KioskText.moreTime, "moreTime", kind: "primary")])
        }
        return .object(fields)
    }

    /// The screen's name for the page's styles (and the test).
    var screenName: String {
        switch state.screen {
        case .welcome: return "welcome"
        case .unavailable: return "unavailable"
        case .loading: return "loading"
        case .menu: return "menu"
        case .status: return "status"
        case .confirmLoss: return "confirmLoss"
        case .electronicCredential: return "electronicCredential"
        case .progress: return "progress"
        case .lossReported: return "lossReported"
        case .pinEntry: return "pinEntry"
        case .working: return "working"
        case .notice: return "notice"
        }
    }

    struct Body {
        var heading = ""
        var lines: [String] = []
        var emphasis: [String] = []
        var actions: [JSONValue] = []
        var busy = false
    }

    func action(_ label: Bilingual, _ key: String, value: JSONValue? = nil, kind: String = "secondary") -> JSONValue {
        var fields: [String: JSONValue] = ["label": .string(label(l)), "key": .string(key), "kind": .string(kind)]
        if let value { fields["value"] = value }
        return .object(fields)
    }

    private func controls() -> JSONValue {
        var fields: [String: JSONValue] = [
            "language": .object(["label": .string(l == .zh ? "English" : "中文"), "value": .string(l.toggled.rawValue)]),
            "largeText": .object(["label": .string(KioskText.largeText(l)), "on": .bool(state.largeText)]),
        ]
        if speechAvailable {
            fields["speech"] = .object([
                "muted": .bool(state.speech.muted), "volume": .int(Int64(state.speech.volume)),
                "muteLabel": .string((state.speech.muted ? KioskText.unmute : KioskText.mute)(l)),
                "replayLabel": .string(KioskText.replay(l)), "volumeLabel": .string(KioskText.volume(l)),
            ])
        }
        return .object(fields)
    }

    /// The PIN pad: fixed, telephone order (docs/kiosk.md, "The PIN pad").
    private func pinPad() -> JSONValue {
        .array([1, 2, 3, 4, 5, 6, 7, 8, 9, 0].map { JSONValue.int(Int64($0)) })
    }

    func content() -> Body {
        switch state.screen {
        case .welcome: return welcome()
        case .unavailable:
            return Body(heading: KioskText.unavailable(l), lines: [KioskText.reconnecting(l)], busy: true)
        case .loading: return Body(heading: KioskText.loading(l), busy: true)
        case .working: return Body(heading: KioskText.working(l), lines: holderLines(), busy: true)
        case .menu: return menu()
        case .status: return status()
        case .confirmLoss: return confirmLoss()
        case .electronicCredential: return electronicCredential()
        case .progress(let applications): return progress(applications)
        case .lossReported(let reminder): return lossReported(reminder)
        case let .pinEntry(stage, hint): return pinEntry(stage, hint)
        case .notice(let notice):
            return Body(heading: KioskText.notice(notice)(l), actions: [action(KioskText.ok, "enter", kind: "primary")])
        }
    }
}
