import SSCardValues
import Testing

@Suite struct SecretBytesTests {
    @Test func takingBytesInClearsTheCallersArray() {
        var digits: [UInt8] = [1, 2, 3, 4, 5, 6]
        let secret = SecretBytes(consuming: &digits)
        #expect(digits.isEmpty)
        #expect(secret.count == 6)
        #expect(secret.withBytes { Array($0) } == [1, 2, 3, 4, 5, 6])
    }

    @Test func clearZeroesInPlace() {
        var key: [UInt8] = [0xDE, 0xAD, 0xBE, 0xEF]
        SecretBytes.clear(&key)
        #expect(key == [0, 0, 0, 0])
    }

    @Test func equalityComparesTheBytes() {
        var a: [UInt8] = [1, 2, 3], b: [UInt8] = [1, 2, 3], c: [UInt8] = [1, 2, 4], d: [UInt8] = [1, 2]
        let (x, y, z, w) = (SecretBytes(consuming: &a), SecretBytes(consuming: &b), SecretBytes(consuming: &c),
                            SecretBytes(consuming: &d))
        #expect(x == y)
        #expect(x != z)
        #expect(x != w)
    }
}
