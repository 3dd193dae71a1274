import Foundation
import Testing
@testable import Registry
import SSCardValues

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"),
        ("abc", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248D6A61D20638B8E5C026930C3E6039A33CE45964FF2167F6ECEDD419DB06C1"),
    ])
    func matchesFIPSExamples(_ input: String, _ digest: String) {
        #expect(Hex.encode(SHA256.hash(Array(input.utf8))) == digest)
    }

    @Test func hashesAMillionAs() {
        var hasher = SHA256()
        let block = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(block) }
        #expect(Hex.encode(hasher.finalize()) == "CDC76E5C9914FB9281A1C7E284D73E67F1809A48A497200E046D39CCC7112CD0")
    }

    /// Every padding edge (55, 56, 63, 64 bytes and their neighbours), fed
    /// whole and in pieces that cross block boundaries, against coreutils'
    /// sha256sum, an implementation that is not ours.
    @Test(arguments: [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000])
    func matchesSha256sumAcrossBlockEdges(_ count: Int) throws {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let expected = String(printed.prefix(64)).uppercased()
        #expect(Hex.encode(SHA256.hash(bytes)) == expected)
        for piece in [1, 7, 63, 64, 65] {
            var hasher = SHA256()
            var start = 0
            while start < bytes.count {
                hasher.update(bytes[start..<min(bytes.count, start + piece)])
                start += piece
            }
            #expect(Hex.encode(hasher.finalize()) == expected, "in pieces of \(piece)")
        }
        // A sequence without contiguous storage takes the copying path.
        #expect(Hex.encode(SHA256.hash(bytes.lazy.map { $0 })) == expected)
    }
}
