import PCSC

/// Produces the MACs that card-maintenance commands carry.
///
/// Issuer master keys must not live in the service point's software in
/// production; they sit in a PSAM card or an HSM. This protocol is the seam:
/// `SoftwareSecurityModule` holds keys in memory for development, tests and
/// the virtual card, and a PSAM-backed module (see docs/security-module.md)
/// plugs in without changes to the card application.
public protocol SecurityModule {
    /// The 4-byte MAC for `request`, computed with the card's diversified key.
    func mac(for request: MACRequest) throws(SecurityModuleError) -> [UInt8]
}

/// Why a security module could not produce a MAC. Never carries key bytes,
/// PINs or MAC input.
public enum SecurityModuleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No master key for this purpose and algorithm is loaded.
    case keyNotLoaded(KeyReference)
    /// The key or challenge had an unusable length.
    case crypto(CryptoError)
    /// A hardware module (PSAM, HSM) answered with an error status word.
    case deviceRejected(StatusWord)
    /// A hardware module could not be reached.
    case deviceUnavailable(reason: String)

    public var description: String {
        switch self {
        case let .keyNotLoaded(reference): return "security module: no key \(reference) loaded"
        case let .crypto(error): return "security module: \(error)"
        case let .deviceRejected(status): return "security module device answered \(status)"
        case let .deviceUnavailable(reason): return "security module device unavailable: \(reason)"
        }
    }
}
