/// The page's speech controls, kept in the state so that a reloaded page
/// (a restarted browser) keeps the holder's choice until the session ends.
public struct SpeechSettings: Equatable, Sendable {
    /// Prompts are spoken on each screen by default: a kiosk must serve
    /// holders who cannot read the screen (docs/kiosk.md, "Spoken prompts").
    public var muted = false
    /// 0-100, in steps of `step`.
    public var volume = 80
    public static let step = 20

    public init() {}
}
