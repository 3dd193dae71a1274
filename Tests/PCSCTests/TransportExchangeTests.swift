import PCSC
import Testing

/// A card that answers from a script, recording what it was sent.
final class ScriptedCard {
    var replies: [[UInt8]]
    var sent: [[UInt8]] = []
    init(_ replies: [[UInt8]]) { self.replies = replies }

    func send(_ command: CommandAPDU) throws(PCSCError) -> ResponseAPDU {
        sent.append(command.bytes)
        guard !replies.isEmpty, let response = ResponseAPDU(bytes: replies.removeFirst()) else { throw .commError }
        return response
    }
}

@Suite("T=0 transport exchanges")
struct TransportExchangeTests {
    let select = CommandAPDU(cla: 0, ins: 0xA4, p1: 4, p2: 0, data: [0x73, 0x78])

    @Test("61xx is followed by GET RESPONSE, looped, and the data concatenated")
    func getResponseLoop() throws {
        let card = ScriptedCard([[0x61, 0x04], [1, 2, 0x61, 0x02], [3, 4, 0x90, 0x00]])
        let response = try TransportExchange.resolve(select, send: card.send)
        #expect(response.data == [1, 2, 3, 4])
        #expect(response.statusWord == .success)
        #expect(card.sent == [select.bytes, [0x00, 0xC0, 0x00, 0x00, 0x04], [0x00, 0xC0, 0x00, 0x00, 0x02]])
    }

    @Test("6Cxx resends the same command with Le = xx")
    func wrongLength() throws {
        let read = CommandAPDU(cla: 0, ins: 0xB2, p1: 8, p2: 0x30, le: 0x20)
        let card = ScriptedCard([[0x6C, 0x14], Array(repeating: 0x31, count: 0x14) + [0x90, 0x00]])
        let response = try TransportExchange.resolve(read, send: card.send)
        #expect(response.data.count == 0x14)
        #expect(card.sent == [read.bytes, [0x00, 0xB2, 0x08, 0x30, 0x14]])
    }

    @Test("an error status word is passed through untouched")
    func errorPassesThrough() throws {
        let card = ScriptedCard([[0x6A, 0x83]])
        let response = try TransportExchange.resolve(select, send: card.send)
        #expect(response.statusWord == .recordNotFound)
        #expect(card.sent.count == 1)
    }

    @Test("a card that answers 61xx forever is a communication error, not a hang")
    func endless() {
        let card = ScriptedCard(Array(repeating: [0x61, 0x01], count: 200))
        #expect(throws: PCSCError.commError) { try TransportExchange.resolve(select, send: card.send) }
    }

    @Test("PC/SC errors are named as pcsclite names them")
    func errorNames() {
        #expect(PCSCError.noService.description == "SCARD_E_NO_SERVICE (0x8010001D)")
        #expect(PCSCError.removedCard.description.hasPrefix("SCARD_W_REMOVED_CARD"))
        #expect(PCSCError(rawValue: 0x1234).description == "PC/SC error 0x1234")
        #expect(PCSCError.serviceStopped.isServiceLoss && !PCSCError.removedCard.isServiceLoss)
    }
}
