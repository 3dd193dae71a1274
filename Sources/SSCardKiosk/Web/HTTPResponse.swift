/// The statuses the page server answers with.
enum HTTPStatus: Int, Sendable {
    case ok = 200, noContent = 204, seeOther = 303, badRequest = 400, forbidden = 403, notFound = 404
    case methodNotAllowed = 405, lengthRequired = 411, payloadTooLarge = 413, uriTooLong = 414
    case unsupportedMediaType = 415, headersTooLarge = 431, notImplemented = 501, serviceUnavailable = 503
    case versionNotSupported = 505

    var reason: String {
        switch self {
        case .ok: return "OK"
        case .noContent: return "No Content"
        case .seeOther: return "See Other"
        case .badRequest: return "Bad Request"
        case .forbidden: return "Forbidden"
        case .notFound: return "Not Found"
        case .methodNotAllowed: return "Method Not Allowed"
        case .lengthRequired: return "Length Required"
        case .payloadTooLarge: return "Payload Too Large"
        case .uriTooLong: return "URI Too Long"
        case .unsupportedMediaType: return "Unsupported Media Type"
        case .headersTooLarge: return "Request Header Fields Too Large"
        case .notImplemented: return "Not Implemented"
        case .serviceUnavailable: return "Service Unavailable"
        case .versionNotSupported: return "HTTP Version Not Supported"
        }
    }
}

/// A response, serialised with the headers every answer carries: nothing
/// the page shows may be cached (holder data), sniffed, framed, referred
/// or loaded from anywhere but the kiosk itself.
struct HTTPResponse: Sendable {
    var status: HTTPStatus
    var contentType: String?
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    static let securityHeaders: [(String, String)] = [
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("Content-Security-Policy",
         "default-src 'self'; script-src 'self'; style-src 'self'; media-src 'self'; connect-src 'self'; "
             + "img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
    ]

    init(_ status: HTTPStatus, contentType: String? = nil, body: [UInt8] = [], headers: [(String, String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    static func text(_ status: HTTPStatus) -> HTTPResponse {
        HTTPResponse(status, contentType: "text/plain; charset=utf-8", body: Array("\(status.rawValue) \(status.reason)\n".utf8))
    }

    /// The head and body; `stream` leaves the length open (Server-Sent Events).
    func serialized(stream: Bool = false) -> [UInt8] {
        var head = "HTTP/1.1 \(status.rawValue) \(status.reason)\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        for (name, value) in Self.securityHeaders + headers { head += "\(name): \(value)\r\n" }
        if !stream { head += "Content-Length: \(body.count)\r\n" }
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8) + body
    }
}
