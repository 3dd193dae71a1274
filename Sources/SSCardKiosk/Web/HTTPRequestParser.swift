/// A strict HTTP/1.1 request parser over the bytes read so far.
///
/// Strict on purpose: the only client is the kiosk's own browser, so every
/// liberty a general server takes (bare LF, folded headers, chunked bodies,
/// absolute targets, other methods) is refused with a typed error instead.
/// Pure, so the fuzz test drives it directly.
enum HTTPRequestParser {
    enum Outcome: Equatable, Sendable {
        /// More bytes are needed.
        case incomplete
        /// A whole request, and how many bytes of the buffer it took.
        case request(HTTPRequest, consumed: Int)
    }

    static func parse(_ bytes: [UInt8]) throws(HTTPRequestError) -> Outcome {
        guard let headEnd = find(bytes, [13, 10, 13, 10], limit: HTTPLimits.head) else {
            if let lineEnd = find(bytes, [13, 10], limit: HTTPLimits.requestLine + 2), lineEnd > HTTPLimits.requestLine {
                throw .requestLineTooLong
            }
            if bytes.count > HTTPLimits.requestLine, find(bytes, [13, 10], limit: HTTPLimits.requestLine + 2) == nil {
                throw .requestLineTooLong
            }
            if bytes.count >= HTTPLimits.head { throw .headTooLarge }
            try checkBytes(bytes[...])
            return .incomplete
        }
        let head = bytes[0..<headEnd]
        try checkBytes(head)
        var lines = split(head)
        let requestLine = lines.removeFirst()
        guard requestLine.count <= HTTPLimits.requestLine else { throw .requestLineTooLong }
        guard lines.count <= HTTPLimits.headerCount else { throw .tooManyHeaders }
        var request = try parseRequestLine(requestLine)
        for line in lines {
            let (name, value) = try parseHeader(line)
            guard request.headers[name] == nil else { throw .duplicateHeader(name) }
            request.headers[name] = value
        }
        if request.headers["transfer-encoding"] != nil { throw .chunkedNotSupported }
        var length = 0
        if let text = request.headers["content-length"] {
            guard !text.isEmpty, text.count <= 6, text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int(text)
            else { throw .malformedContentLength }
            length = value
        } else if request.method == .post {
            throw .lengthRequired
        }
        guard length <= HTTPLimits.body else { throw .bodyTooLarge }
        if request.method == .get && length != 0 { throw .malformedContentLength }
        let bodyStart = headEnd + 4
        guard bytes.count >= bodyStart + length else { return .incomplete }
        request.body = Array(bytes[bodyStart..<(bodyStart + length)])
        return .request(request, consumed: bodyStart + length)
    }

    // MARK: Pieces

    private static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPRequestError) -> HTTPRequest {
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformedRequestLine }
        let method: HTTPRequest.Method
        switch String(decoding: parts[0], as: UTF8.self) {
        case "GET": method = .get
        case "POST": method = .post
        case let other where !other.isEmpty && other.utf8.allSatisfy({ (65...90).contains($0) }): throw .unsupportedMethod
        default: throw .malformedRequestLine
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { throw .unsupportedVersion }
        let target = parts[1]
        // Origin-form only, printable ASCII, no fragments, no dot segments.
        guard target.first == UInt8(ascii: "/"), target.count <= HTTPLimits.requestLine,
              target.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "#") })
        else { throw .malformedTarget }
        let text = String(decoding: target, as: UTF8.self)
        let pieces = text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(pieces[0])
        guard !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }), !path.contains("//") else {
            throw .malformedTarget
        }
        return HTTPRequest(method: method, path: path, query: pieces.count > 1 ? String(pieces[1]) : "",
                           headers: [:], body: [])
    }

    private static func parseHeader(_ line: ArraySlice<UInt8>) throws(HTTPRequestError) -> (String, String) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else { throw .malformedHeader }
        let name = line[line.startIndex..<colon]
        guard name.allSatisfy(isTokenByte) else { throw .malformedHeader }
        var value = line[(colon + 1)...]
        while let first = value.first, first == 32 || first == 9 { value = value.dropFirst() }
        while let last = value.last, last == 32 || last == 9 { value = value.dropLast() }
        return (String(decoding: name, as: UTF8.self).lowercased(), String(decoding: value, as: UTF8.self))
    }

    /// RFC 9110 token characters.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57, 65...90, 97...122: return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// No NUL, no bare CR or LF, no other controls but tab in the head.
    private static func checkBytes(_ head: ArraySlice<UInt8>) throws(HTTPRequestError) {
        var index = head.startIndex
        while index < head.endIndex {
            let byte = head[index]
            if byte == 13 {
                let next = index + 1
                if next < head.endIndex, head[next] != 10 { throw .malformedHeader }
            } else if byte == 10 {
                if index == head.startIndex || head[index - 1] != 13 { throw .malformedHeader }
            } else if byte < 32 && byte != 9 || byte == 127 {
                throw .malformedHeader
            }
            index += 1
        }
    }

    /// Lines of the head, split at CRLF.
    private static func split(_ head: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = head.startIndex
        var index = head.startIndex
        while index < head.endIndex {
            if head[index] == 13, index + 1 < head.endIndex, head[index + 1] == 10 {
                lines.append(head[start..<index])
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        lines.append(head[start..<head.endIndex])
        return lines
    }

    /// The first index of `pattern` starting before `limit`, or nil.
    private static func find(_ bytes: [UInt8], _ pattern: [UInt8], limit: Int) -> Int? {
        let last = min(bytes.count - pattern.count, limit)
        guard last >= 0 else { return nil }
        var index = 0
        while index <= last {
            if bytes[index] == pattern[0] {
                var match = true
                for offset in 1..<pattern.count where bytes[index + offset] != pattern[offset] {
                    match = false
                    break
                }
                if match { return index }
            }
            index += 1
        }
        return nil
    }
}
