/// Log priorities as journald reads them from a `<N>` line prefix (sd-daemon(3)).
public enum LogLevel: Int, CaseIterable, Comparable, Sendable {
    case error = 3, warning = 4, notice = 5, info = 6, debug = 7

    public var name: String {
        switch self {
        case .error: return "error"
        case .warning: return "warning"
        case .notice: return "notice"
        case .info: return "info"
        case .debug: return "debug"
        }
    }

    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = level
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
