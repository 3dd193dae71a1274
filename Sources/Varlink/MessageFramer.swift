#if canImport(Glibc)
import Glibc
#endif

/// Splits a byte stream into NUL-terminated varlink messages.
///
/// The size cap is what keeps a peer from making the daemon buffer without
/// bound: once more than `maximumMessageBytes` arrive without a terminator
/// the stream is declared broken (`tooLarge`), since there is no way to find
/// the start of the next message again.
struct MessageFramer {
    enum Next: Equatable {
        /// One message, without its NUL terminator.
        case message([UInt8])
        /// No complete message buffered yet.
        case incomplete
        /// A message exceeded the limit; the stream cannot be resynchronised.
        case tooLarge
    }

    let maximumMessageBytes: Int
    private var buffer: [UInt8] = []
    /// Start of the bytes not yet returned as messages.
    private var start = 0
    /// How far past `start` has already been searched for a NUL, so a message
    /// arriving in many small reads is scanned only once.
    private var scanned = 0
    private var broken = false

    init(maximumMessageBytes: Int) {
        self.maximumMessageBytes = maximumMessageBytes
    }

    /// Bytes received but not yet returned as complete messages.
    var bufferedByteCount: Int { buffer.count - start }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !broken, bytes.count > 0 else { return }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 65536 && start > buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    mutating func next() -> Next {
        if broken { return .tooLarge }
        let searchFrom = start + scanned
        let remaining = buffer.count - searchFrom
        let terminator: Int? = remaining <= 0 ? nil : buffer.withUnsafeBytes { raw in
            guard let found = memchr(raw.baseAddress! + searchFrom, 0, remaining) else { return nil }
            return raw.baseAddress!.distance(to: UnsafeRawPointer(found))
        }
        guard let terminator else {
            scanned = buffer.count - start
            if scanned > maximumMessageBytes { return breakStream() }
            return .incomplete
        }
        guard terminator - start <= maximumMessageBytes else { return breakStream() }
        let message = Array(buffer[start..<terminator])
        start = terminator + 1
        scanned = 0
        return .message(message)
    }

    private mutating func breakStream() -> Next {
        broken = true
        buffer = []
        start = 0
        scanned = 0
        return .tooLarge
    }
}
