import Foundation
import Testing
@testable import Varlink

@Suite struct JSONValueTests {
    private func parse(_ text: String) throws(JSONError) -> JSONValue { try JSONValue(parsing: text) }

    private func failure(_ text: String) -> JSONError? {
        do { _ = try parse(text); return nil } catch { return error }
    }

    private func failure(bytes: [UInt8]) -> JSONError? {
        do { _ = try JSONValue(parsing: bytes); return nil } catch { return error }
    }

    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(#" {"a": [1, -2, 3.5, true, false, null, "x"], "b": {"c": "d"}, "e": -0.25e2} "#)
        #expect(value["a"] == [1, -2, 3.5, true, false, nil, "x"])
        #expect(value["b"]?["c"]?.string == "d")
        #expect(value["e"]?.double == -25)
        #expect(value["missing"] == nil)
        #expect(value["a"]?[6]?.string == "x")
        #expect(value["a"]?[7] == nil)
    }

    @Test func integersStayExactAtTheInt64Limits() throws {
        #expect(try parse("9223372036854775807") == .int(Int64.max))
        #expect(try parse("-9223372036854775808") == .int(Int64.min))
        #expect(try parse("9223372036854775808") == .double(9223372036854775808))
        #expect(try parse("12345678901234567890123") == .double(1.2345678901234567e22))
        #expect(try parse("1.0").int == 1)
        #expect(try parse("1.5").int == nil)
    }

    @Test func roundTripsThroughTheWriter() throws {
        let original: JSONValue = [
            "text": "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} é 日本 🎉",
            "numbers": [0, 7, -1, 1234567890123, .int(Int64.min), .int(Int64.max), 0.5, -1e-7, 1e300],
            "nested": ["empty": [:], "list": []],
            "flags": [true, false, nil],
        ]
        let bytes = original.serialized()
        #expect(!bytes.contains(0), "a NUL in output would split the varlink message")
        #expect(try JSONValue(parsing: bytes) == original)
    }

    @Test func writerIsCompactWithSortedKeysAndEscapes() {
        let value: JSONValue = ["b": 1, "a": ["x": "\u{1}\n\"\\/"], "c": .double(.infinity)]
        #expect(value.description == #"{"a":{"x":"\u0001\n\"\\/"},"b":1,"c":null}"#)
        #expect(JSONValue.int(-1234).description == "-1234")
        #expect(JSONValue.int(Int64.min).description == "-9223372036854775808")
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try parse(#""\u00e9\ud83c\udf89\/\b\f\n\r\t\"\\""#).string == "é🎉/\u{8}\u{c}\n\r\t\"\\")
        #expect(try parse(#""\u0000""#).string == "\u{0}")
    }

    @Test func reportsErrorsWithByteOffsets() {
        #expect(failure("") == JSONError(.unexpectedEnd, at: 0))
        #expect(failure("[1,2") == JSONError(.unexpectedEnd, at: 4))
        #expect(failure("[1 2]") == JSONError(.unexpectedByte(UInt8(ascii: "2")), at: 3))
        #expect(failure("{} x") == JSONError(.trailingGarbage, at: 3))
        #expect(failure("01") == JSONError(.trailingGarbage, at: 1))
        #expect(failure("-") == JSONError(.unexpectedEnd, at: 1))
        #expect(failure("1.") == JSONError(.invalidNumber, at: 2))
        #expect(failure("1e+") == JSONError(.invalidNumber, at: 3))
        #expect(failure("1e999") == JSONError(.numberOutOfRange, at: 0))
        #expect(failure("tru") == JSONError(.unexpectedEnd, at: 3))
        #expect(failure("nul!") == JSONError(.unexpectedByte(UInt8(ascii: "!")), at: 3))
        #expect(failure(#"{"a":1,"a":2}"#) == JSONError(.duplicateKey("a"), at: 7))
        #expect(failure(#"{"a" 1}"#) == JSONError(.unexpectedByte(UInt8(ascii: "1")), at: 5))
        #expect(failure(#"{1:2}"#) == JSONError(.unexpectedByte(UInt8(ascii: "1")), at: 1))
        #expect(failure("[1,]") == JSONError(.unexpectedByte(UInt8(ascii: "]")), at: 3))
        #expect(failure("\"a\u{1}\"") == JSONError(.controlCharacter, at: 2))
        #expect(failure(#""\x""#) == JSONError(.invalidEscape, at: 1))
        #expect(failure(#""\u12G4""#) == JSONError(.invalidEscape, at: 5))
        #expect(failure(#""ab\ud800""#) == JSONError(.loneSurrogate, at: 3))
        #expect(failure(#""\ud800\u0041""#) == JSONError(.loneSurrogate, at: 1))
        #expect(failure(#""\udc00""#) == JSONError(.loneSurrogate, at: 1))
        #expect(failure("\"abc") == JSONError(.unexpectedEnd, at: 4))
    }

    @Test func rejectsInvalidUTF8() {
        let quote = UInt8(ascii: "\"")
        #expect(failure(bytes: [quote, 0x61, 0xFF, quote]) == JSONError(.invalidUTF8, at: 2))
        #expect(failure(bytes: [quote, 0xC0, 0x80, quote]) == JSONError(.invalidUTF8, at: 1), "overlong NUL")
        #expect(failure(bytes: [quote, 0xED, 0xA0, 0x80, quote]) == JSONError(.invalidUTF8, at: 2), "encoded surrogate")
        #expect(failure(bytes: [quote, 0xF4, 0x90, 0x80, 0x80, quote]) == JSONError(.invalidUTF8, at: 2), "above U+10FFFF")
        #expect(failure(bytes: [quote, 0xE2, 0x82, quote]) == JSONError(.invalidUTF8, at: 3), "truncated sequence")
        #expect(failure(bytes: [quote, 0x5C, 0x6E, 0xE9, quote]) == JSONError(.invalidUTF8, at: 3), "after an escape")
        #expect((try? JSONValue(parsing: [quote, 0xE2, 0x82, 0xAC, quote])) == .string("€"))
    }

    @Test func limitsNestingDepth() {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect((try? parse(ok)) != nil)
        #expect(failure(deep) == JSONError(.tooDeep, at: 64))
        #expect((try? JSONValue(parsing: "[[[]]]", maximumDepth: 2)) == nil)
        let hostile = String(repeating: "{\"a\":", count: 100_000)
        #expect(failure(hostile)?.reason == .tooDeep)
    }

    @Test func errorDescriptionsNameTheOffset() {
        #expect(JSONError(.trailingGarbage, at: 12).description == "data after the JSON value at byte 12")
    }
}

@Suite struct MessageFramerTests {
    @Test func splitsMessagesAcrossArbitraryReads() {
        var framer = MessageFramer(maximumMessageBytes: 100)
        framer.append(Array("{\"a\":1}\0{\"b\"".utf8))
        #expect(framer.next() == .message(Array("{\"a\":1}".utf8)))
        #expect(framer.next() == .incomplete)
        framer.append(Array(":2}".utf8))
        #expect(framer.next() == .incomplete)
        framer.append([0, 0])
        #expect(framer.next() == .message(Array("{\"b\":2}".utf8)))
        #expect(framer.next() == .message([]))
        #expect(framer.next() == .incomplete)
        #expect(framer.bufferedByteCount == 0)
    }

    @Test func enforcesTheSizeLimitWithAndWithoutTerminator() {
        var exact = MessageFramer(maximumMessageBytes: 4)
        exact.append(Array("abcd\0".utf8))
        #expect(exact.next() == .message(Array("abcd".utf8)))

        var terminated = MessageFramer(maximumMessageBytes: 4)
        terminated.append(Array("abcde\0ok\0".utf8))
        #expect(terminated.next() == .tooLarge)
        #expect(terminated.next() == .tooLarge, "the stream stays broken")

        var unterminated = MessageFramer(maximumMessageBytes: 4)
        unterminated.append(Array("abcd".utf8))
        #expect(unterminated.next() == .incomplete)
        unterminated.append(Array("e".utf8))
        #expect(unterminated.next() == .tooLarge)
    }

    @Test func handlesManySmallReadsOfALargeMessage() {
        var framer = MessageFramer(maximumMessageBytes: 1 << 20)
        let message = [UInt8](repeating: UInt8(ascii: "x"), count: 300_000)
        for chunk in stride(from: 0, to: message.count, by: 1000) {
            framer.append(Array(message[chunk..<min(chunk + 1000, message.count)]))
            #expect(framer.next() == .incomplete)
        }
        framer.append([0] + Array("y".utf8) + [0])
        #expect(framer.next() == .message(message))
        #expect(framer.next() == .message(Array("y".utf8)))
    }
}
