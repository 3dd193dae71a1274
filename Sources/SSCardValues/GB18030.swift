import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// GB18030, the chip's character set for names, through glibc's iconv.
///
/// Foundation's converter costs about 10 µs to decode a name and 6 µs to
/// encode one on the project's machine; iconv costs about 1.4 µs. A card
/// read decodes a name and validates it, so this is a sixth of the whole
/// decoding time. One converter per direction is shared under a lock
/// (iconv descriptors are not thread-safe) and reset before each use.
public enum GB18030 {
    private final class Converter: @unchecked Sendable {
        let lock = NSLock()
        let descriptor: iconv_t?

        init(from: String, to: String) {
            let handle = iconv_open(to, from)
            descriptor = handle == iconv_t(bitPattern: -1) ? nil : handle
        }

        /// Converts all of `input`, or returns nil if it holds an invalid or
        /// incomplete sequence (iconv's EILSEQ / EINVAL) or cannot be mapped.
        func convert(_ input: [UInt8]) -> [UInt8]? {
            guard let descriptor else { return nil }
            return lock.withLock {
                _ = iconv(descriptor, nil, nil, nil, nil)  // back to the initial state
                var source = input.map { CChar(bitPattern: $0) }
                var output = [CChar](repeating: 0, count: input.count * 4 + 8)
                var sourceLeft = source.count
                var outputLeft = output.count
                let result = source.withUnsafeMutableBufferPointer { sourceBuffer in
                    output.withUnsafeMutableBufferPointer { outputBuffer in
                        var inPointer = sourceBuffer.baseAddress
                        var outPointer = outputBuffer.baseAddress
                        return iconv(descriptor, &inPointer, &sourceLeft, &outPointer, &outputLeft)
                    }
                }
                guard result != -1, sourceLeft == 0 else { return nil }
                // Flush any pending shift state into the output.
                let flushed = output.withUnsafeMutableBufferPointer { outputBuffer -> Int in
                    var outPointer = outputBuffer.baseAddress.map { $0 + (outputBuffer.count - outputLeft) }
                    return iconv(descriptor, nil, nil, &outPointer, &outputLeft)
                }
                guard flushed != -1 else { return nil }
                return output.prefix(output.count - outputLeft).map { UInt8(bitPattern: $0) }
            }
        }
    }

    private static let decoder = Converter(from: "GB18030", to: "UTF-8")
    private static let encoder = Converter(from: "UTF-8", to: "GB18030")

    /// The text of GB18030 bytes, or nil if they are not valid GB18030.
    public static func decode(_ bytes: [UInt8]) -> String? {
        if bytes.isEmpty { return "" }
        guard let utf8 = decoder.convert(bytes) else { return nil }
        return String(validating: utf8, as: UTF8.self)
    }

    /// The GB18030 bytes of `text`, or nil if it has a character GB18030 cannot encode.
    public static func encode(_ text: String) -> [UInt8]? {
        if text.isEmpty { return [] }
        return encoder.convert(Array(text.utf8))
    }
}
