import PCSC
import SSCardValues

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

    /// Checks, before a card is changed, that MACs for `references` can be
    /// made for `cardId`: a PIN reset sends two MAC'd commands, and a module
    /// that fails on the second would leave the card half reset. Nothing on
    /// the holder's card has been sent when this is called.
    func prepare(_ references: [KeyReference], cardId: CardIdentificationCode) throws(SecurityModuleError)
}

extension SecurityModule {
    public func prepare(_ references: [KeyReference], cardId: CardIdentificationCode) throws(SecurityModuleError) {}
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
    /// The PSAM's reader is not there, or holds no card.
    case deviceAbsent(reader: String)
    /// The PSAM left its reader (or stopped answering) during the call.
    case deviceRemoved(reader: String)
    /// The PSAM's application or its operator PIN is blocked (`63C0`, `6983`, `9303`).
    case deviceBlocked(StatusWord)
    /// The PSAM refused the operator PIN (`63Cx`): `triesLeft` tries remain.
    case operatorPINRejected(triesLeft: Int)
    /// No operator PIN was configured, but the PSAM wants one (`6982`).
    case operatorPINMissing
    /// The PSAM holds no key at the profile's usage and index for this key (`6A88`).
    case unknownKeyIndex(KeyReference, usage: UInt8, index: UInt8)

    /// A short name for the kind of failure, for varlink errors and metrics.
    public var kind: String {
        switch self {
        case .keyNotLoaded: return "keyNotLoaded"
        case .crypto: return "crypto"
        case .deviceRejected: return "deviceRejected"
        case .deviceUnavailable: return "deviceUnavailable"
        case .deviceAbsent: return "psamAbsent"
        case .deviceRemoved: return "psamRemoved"
        case .deviceBlocked: return "psamBlocked"
        case .operatorPINRejected: return "operatorPinRejected"
        case .operatorPINMissing: return "operatorPinMissing"
        case .unknownKeyIndex: return "unknownKeyIndex"
        }
    }

    public var description: String {
        switch self {
        case let .keyNotLoaded(reference): return "security module: no key \(reference) loaded"
        case let .crypto(error): return "security module: \(error)"
        case let .deviceRejected(status): return "security module device answered \(status)"
        case let .deviceUnavailable(reason): return "security module device unavailable: \(reason)"
        case let .deviceAbsent(reader): return "PSAM absent: no PSAM in reader \(reader)"
        case let .deviceRemoved(reader): return "PSAM removed from reader \(reader) during the call"
        case let .deviceBlocked(status): return "PSAM blocked (\(status))"
        case let .operatorPINRejected(triesLeft): return "PSAM refused the operator PIN, \(triesLeft) tries left"
        case .operatorPINMissing: return "PSAM needs an operator PIN and none is configured (credential psam-pin)"
        case let .unknownKeyIndex(reference, usage, index):
            return "PSAM has no key for \(reference) (usage \(Hex.encode([usage])), index \(Hex.encode([index])))"
        }
    }
}
