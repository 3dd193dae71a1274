/// Why a cipher or MAC could not be set up. Keys come from key files and
/// security modules, so a wrong length is input to report, not a crash.
/// Key bytes never appear in these values.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key has a length the algorithm does not accept.
    case wrongKeyLength(algorithm: KeyAlgorithm, expected: String, actual: Int)
    /// The card challenge used as initial vector has an unusable length.
    case wrongChallengeLength(algorithm: KeyAlgorithm, actual: Int)

    public var description: String {
        switch self {
        case let .wrongKeyLength(algorithm, expected, actual):
            return "\(algorithm) key: expected \(expected) bytes, got \(actual)"
        case let .wrongChallengeLength(algorithm, actual):
            return "\(algorithm) challenge: \(actual) bytes is not a usable initial vector"
        }
    }
}
