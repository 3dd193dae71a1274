#if canImport(Glibc)
import Glibc
#endif
import Varlink

/// One varlink call whose parameters include PINs, on its own connection.
///
/// `VarlinkClient` serializes parameters through `JSONValue` strings, which
/// cannot be wiped. This writes the request straight into one byte array
/// (PIN digits copied in from `PinDigits`' scratch buffer), sends it, and
/// overwrites the array before returning, on every path.
enum SecretCall {
    /// Sends `{"method":…,"parameters":{…plain…, pins…}}` and returns the
    /// reply's parameters; error replies throw `VarlinkError`.
    static func call(socketPath: String, method: String, plain: [String: JSONValue],
                     secrets: [(String, PinDigits)], timeoutMilliseconds: Int32 = 30_000) throws -> JSONValue {
        var request: [UInt8] = []
        request.reserveCapacity(4096)
        defer { wipe(&request) }
        append(&request, "{\"method\":")
        request += JSONValue.string(method).serialized()
        append(&request, ",\"parameters\":{")
        var first = true
        for (key, value) in plain.sorted(by: { $0.key < $1.key }) {
            if !first { request.append(UInt8(ascii: ",")) }
            first = false
            request += JSONValue.string(key).serialized()
            request.append(UInt8(ascii: ":"))
            request += value.serialized()
        }
        for (key, digits) in secrets {
            if !first { request.append(UInt8(ascii: ",")) }
            first = false
            request += JSONValue.string(key).serialized()
            append(&request, ":\"")
            digits.withASCII { ascii in
                for byte in ascii { request.append(byte) }
            }
            request.append(UInt8(ascii: "\""))
        }
        append(&request, "}}")
        request.append(0)

        let descriptor = try connect(socketPath)
        defer { close(descriptor) }
        try sendAll(descriptor, request, timeoutMilliseconds)
        wipe(&request)
        let reply = try receiveOne(descriptor, timeoutMilliseconds)
        let message: JSONValue
        do {
            message = try JSONValue(parsing: reply)
        } catch {
            throw VarlinkTransportError.malformedReply(error.description)
        }
        let parameters = message["parameters"].flatMap { $0.object == nil ? nil : $0 } ?? .object([:])
        if let name = message["error"]?.string { throw VarlinkError(name, parameters) }
        return parameters
    }

    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] = 0 }
        }
    }

    private static func append(_ bytes: inout [UInt8], _ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private static func connect(_ path: String) throws -> Int32 {
        let pathBytes = Array(path.utf8)
        var address = sockaddr_un()
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !pathBytes.isEmpty, pathBytes.count < capacity else { throw VarlinkTransportError.pathTooLong(path) }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw VarlinkTransportError.notConnected }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + pathBytes.count + 1)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, length) }
        }
        guard result == 0 else {
            close(descriptor)
            throw VarlinkTransportError.notConnected
        }
        return descriptor
    }

    private static func wait(_ descriptor: Int32, _ events: Int16, _ timeoutMilliseconds: Int32) throws {
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        while true {
            let ready = poll(&entry, 1, timeoutMilliseconds)
            if ready > 0 { return }
            if ready == 0 { throw VarlinkTransportError.timedOut }
            if errno != EINTR { throw VarlinkTransportError.connectionClosed }
        }
    }

    private static func sendAll(_ descriptor: Int32, _ bytes: [UInt8], _ timeoutMilliseconds: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            try wait(descriptor, Int16(POLLOUT), timeoutMilliseconds)
            let written = bytes.withUnsafeBytes { raw in
                send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if written > 0 {
                offset += written
            } else if written < 0, errno != EAGAIN, errno != EINTR {
                throw VarlinkTransportError.connectionClosed
            }
        }
    }

    private static func receiveOne(_ descriptor: Int32, _ timeoutMilliseconds: Int32) throws -> [UInt8] {
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            try wait(descriptor, Int16(POLLIN), timeoutMilliseconds)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                if let end = chunk[0..<count].firstIndex(of: 0) {
                    reply += chunk[0..<end]
                    return reply
                }
                reply += chunk[0..<count]
                if reply.count > 1 << 20 { throw VarlinkTransportError.replyTooLarge }
            } else if count == 0 {
                throw VarlinkTransportError.connectionClosed
            } else if errno != EAGAIN, errno != EINTR {
                throw VarlinkTransportError.connectionClosed
            }
        }
    }
}
