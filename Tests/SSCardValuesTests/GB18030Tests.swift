import Foundation
import Testing
@testable import SSCardValues

@Suite struct GB18030Tests {
    @Test(arguments: ["张三", "阿卜杜热合曼·买买提依明", "𠀀", "A·B", ""])
    func agreesWithFoundation(_ text: String) throws {
        let ours = try #require(GB18030.encode(text))
        let foundation = Array(text.data(using: HolderName.gb18030) ?? Data())
        #expect(ours == foundation)
        #expect(GB18030.decode(ours) == text)
    }

    @Test func fourByteSequences() throws {
        #expect(GB18030.encode("𠀀") == [0x95, 0x32, 0x82, 0x36])
        #expect(GB18030.decode([0x95, 0x32, 0x82, 0x36]) == "𠀀")
    }

    @Test(arguments: [[0x81] as [UInt8], [0xD5, 0x30], [0x95, 0x32, 0x82], [0xFF, 0x41]])
    func invalidOrIncompleteBytesAreRefused(_ bytes: [UInt8]) {
        #expect(GB18030.decode(bytes) == nil)
    }

    @Test func concurrentUseIsSafe() async {
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<500).allSatisfy { _ in GB18030.decode(GB18030.encode("张三丰")!) == "张三丰" } }
            }
            for await ok in group { #expect(ok) }
        }
    }
}
