/// Why a key file was refused. Cases name the line, never its key bytes.
public enum KeyFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String)
    /// Not `name = hex`, or not valid UTF-8.
    case malformedLine(line: Int)
    /// The name is not `purpose.algorithm` with a known purpose and algorithm.
    case unknownKeyName(line: Int, name: String)
    case invalidHex(line: Int)
    case wrongKeyLength(line: Int, key: KeyReference, actual: Int)
    case duplicateKey(line: Int, key: KeyReference)

    public var description: String {
        switch self {
        case let .unreadable(path): return "key file \(path): cannot be read"
        case let .malformedLine(line): return "key file line \(line): expected `purpose.algorithm = hex`"
        case let .unknownKeyName(line, name): return "key file line \(line): unknown key name \(name)"
        case let .invalidHex(line): return "key file line \(line): key is not hex"
        case let .wrongKeyLength(line, key, actual):
            let allowed = key.algorithm.keyLengths.map(String.init).joined(separator: " or ")
            return "key file line \(line): \(key) needs \(allowed) bytes, got \(actual)"
        case let .duplicateKey(line, key): return "key file line \(line): \(key) defined twice"
        }
    }
}
