/// One HTTP/1.1 request as the kiosk's page server accepts it: GET or POST,
/// a path and query, headers (names lower-cased), and a body of at most
/// `HTTPLimits.body` bytes.
struct HTTPRequest: Equatable, Sendable {
    enum Method: String, Sendable { case get = "GET", post = "POST" }

    var method: Method
    var path: String
    var query: String
    var headers: [String: String]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers[name] }

    /// The query's value for `name` ("secret=ab&x=1" → "ab").
    func queryValue(_ name: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2, parts[0] == name { return String(parts[1]) }
        }
        return nil
    }

    /// The named cookie from the Cookie header.
    func cookie(_ name: String) -> String? {
        guard let header = headers["cookie"] else { return nil }
        for item in header.split(separator: ";") {
            let trimmed = item.drop(while: { $0 == " " })
            if trimmed.hasPrefix(name + "=") { return String(trimmed.dropFirst(name.count + 1)) }
        }
        return nil
    }
}

/// The parser's limits: the page sends short requests only, so anything
/// larger is refused before it is buffered.
enum HTTPLimits {
    static let requestLine = 1024
    static let head = 8192
    static let headerCount = 32
    static let body = 1024
    /// A connection that has not sent a whole request by then is closed.
    static let readSeconds = 5.0
}

/// Why a request was refused, with the status it is answered with.
enum HTTPRequestError: Error, Equatable, Sendable {
    case requestLineTooLong
    case headTooLarge
    case tooManyHeaders
    case malformedRequestLine
    case unsupportedMethod
    case unsupportedVersion
    case malformedTarget
    case malformedHeader
    case duplicateHeader(String)
    case chunkedNotSupported
    case lengthRequired
    case malformedContentLength
    case bodyTooLarge

    var status: HTTPStatus {
        switch self {
        case .requestLineTooLong: return .uriTooLong
        case .headTooLarge, .tooManyHeaders: return .headersTooLarge
        case .unsupportedMethod: return .methodNotAllowed
        case .unsupportedVersion: return .versionNotSupported
        case .chunkedNotSupported: return .notImplemented
        case .lengthRequired: return .lengthRequired
        case .bodyTooLarge: return .payloadTooLarge
        default: return .badRequest
        }
    }
}
