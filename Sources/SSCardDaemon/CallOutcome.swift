import SSCardInterfaces
import Varlink

/// How a call ended, as the metrics count it: a few fixed values, so that
/// `sscard_calls_total` has a bounded number of series whatever callers send.
/// The error itself is counted by name in `sscard_refused_calls_total`.
enum CallOutcome: Int, CaseIterable, Sendable {
    /// Answered without an error.
    case ok
    /// The caller's role may not make the call (PermissionDenied).
    case denied
    /// The rules, the registry or the card said no: CardNotFound, TransitionRefused, RuleViolated, …
    case refused
    /// The call itself was malformed: an org.varlink.service error (InvalidParameter, MethodNotFound, …).
    case invalid
    /// Something the caller cannot help was missing: the registry, storage, pcscd, a reader that does not answer.
    case unavailable

    var label: String {
        switch self {
        case .ok: "ok"
        case .denied: "denied"
        case .refused: "refused"
        case .invalid: "invalid"
        case .unavailable: "unavailable"
        }
    }

    private static let unavailableErrors: Set<String> = [
        RegistryErrorName.registryUnavailable.name, RegistryErrorName.storageFull.name,
        ReaderErrorName.readerUnavailable.name, ReaderErrorName.readerUnresponsive.name,
        ReaderErrorName.readerBusy.name,
    ]

    /// The outcome of a call answered with `error` (nil: answered).
    init(_ error: VarlinkError?) {
        guard let error else { self = .ok; return }
        if error.name.hasSuffix(".PermissionDenied") {
            self = .denied
        } else if error.name.hasPrefix("org.varlink.service.") {
            self = .invalid
        } else if Self.unavailableErrors.contains(error.name) {
            self = .unavailable
        } else {
            self = .refused
        }
    }

    /// The error's name without its interface ("CardNotFound"): the `reason`
    /// label, bounded by the IDL's error names.
    static func reason(_ error: VarlinkError) -> String {
        error.name.split(separator: ".").last.map(String.init) ?? error.name
    }
}
