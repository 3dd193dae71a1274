import Foundation
import PCSC
import SocialSecurityCard
import SSCardValues
import Testing
@testable import VirtualCard

@Suite("virtual SSSE card")
struct VirtualCardTests {
    let select = CommandAPDU(cla: 0, ins: 0xA4, p1: 4, p2: 0, data: VirtualSSCard.ssseName)

    @Test("T=0: SELECT answers 61xx, READ RECORD with wrong Le answers 6Cxx; both resolved by the exchange")
    func t0Transport() throws {
        let card = VirtualSSCard(profile: try Fixtures.profile())
        let channel = VirtualCardChannel(card: card)
        let selected = try channel.transmit(select)
        #expect(selected.statusWord == .success && selected.data.first == 0x6F)
        #expect(channel.sent.count == 2 && channel.sent[1] == [0x00, 0xC0, 0x00, 0x00, 0x13])
        let ssn = try channel.transmit(CommandAPDU(cla: 0, ins: 0xB2, p1: 0x08, p2: 0x30, le: 0x30))
        #expect(ssn.data == [0x08, 18] + Array("11010519491231002X".utf8))
        #expect(channel.sent.suffix(2) == [[0x00, 0xB2, 0x08, 0x30, 0x30], [0x00, 0xB2, 0x08, 0x30, 0x14]])
    }

    @Test("T=1: data comes straight back")
    func t1Transport() throws {
        let card = VirtualSSCard(profile: try Fixtures.profile(Fixtures.profileJSON(protocol: "T=1")))
        #expect(card.atr[1] & 0xF0 == 0x80 && card.atr[2] == 0x01)
        guard case .respond(let bytes) = card.process(select.bytes) else { Issue.record("vanished"); return }
        #expect(bytes.suffix(2) == [0x90, 0x00] && bytes.count == 2 + 19)
    }

    @Test("records by identifier (SFI in P2) and by number; name, 4-byte character and extension")
    func records() throws {
        let channel = VirtualCardChannel(card: VirtualSSCard(profile: try Fixtures.profile()))
        _ = try channel.transmit(select)
        let name = try channel.transmit(CommandAPDU(cla: 0, ins: 0xB2, p1: 0x09, p2: 0x30, le: 32))
        let ext = try channel.transmit(CommandAPDU(cla: 0, ins: 0xB2, p1: 0x4E, p2: 0x30, le: 22))
        let bytes = Array(name.data.dropFirst(2)) + Array(ext.data.dropFirst(2))
        let text = String(data: Data(bytes.filter { $0 != 0 }), encoding: HolderName.gb18030)
        #expect(text == Fixtures.longName)
        #expect(ext.data.dropFirst(2).prefix(4) == [0x95, 0x32, 0x82, 0x36])  // U+20000 in GB18030
        let cardNumber = try channel.transmit(CommandAPDU(cla: 0, ins: 0xB2, p1: 0x07, p2: 0x2C, le: 11))
        #expect(cardNumber.data == [0x07, 9] + Array("X00000019".utf8))
        let birthplace = try channel.transmit(CommandAPDU(cla: 0, ins: 0xB2, p1: 0x0C, p2: 0x30, le: 5))
        #expect(birthplace.data == [0x0C, 3, 0x11, 0x01, 0x05])
        let missing = try channel.transmit(CommandAPDU(cla: 0, ins: 0xB2, p1: 0x0E, p2: 0x30, le: 5))
        #expect(missing.statusWord == .recordNotFound)
    }

    @Test("a short name has no extension record (6A83)")
    func noExtension() throws {
        let channel = VirtualCardChannel(card: VirtualSSCard(profile: try Fixtures.profile(Fixtures.profileJSON(name: "张三"))))
        _ = try channel.transmit(select)
        let ext = try channel.transmit(CommandAPDU(cla: 0, ins: 0xB2, p1: 0x4E, p2: 0x30, le: 22))
        #expect(ext.statusWord == .recordNotFound)
    }

    @Test("wrong PINs count down to 63C0, then 6983; the right PIN resets the counter")
    func pinTries() throws {
        let card = VirtualSSCard(profile: try Fixtures.profile())
        let channel = VirtualCardChannel(card: card)
        func verify(_ bcd: [UInt8]) throws -> StatusWord {
            try channel.transmit(CommandAPDU(cla: 0, ins: 0x20, p1: 0, p2: 0, data: bcd)).statusWord
        }
        #expect(try verify([0x11, 0x11, 0x11]) == StatusWord(0x63C2))
        #expect(try verify([0x12, 0x34, 0x56]) == .success)
        #expect(card.pinTriesLeft == 3)
        #expect(try verify([0x11, 0x11, 0x11]) == StatusWord(0x63C2))
        #expect(try verify([0x11, 0x11, 0x11]) == StatusWord(0x63C1))
        #expect(try verify([0x11, 0x11, 0x11]) == StatusWord(0x63C0))
        #expect(try verify([0x12, 0x34, 0x56]) == .pinBlocked)
    }

    @Test("RELOAD PIN accepts the security module's MAC and refuses a wrong one")
    func reloadWithMAC() throws {
        let profile = try Fixtures.profile(Fixtures.profileJSON(extra: #", "pinTries": 0"#))
        let card = VirtualSSCard(profile: profile)
        let channel = VirtualCardChannel(card: card)
        let module = try SoftwareSecurityModule(keyFile: "reloadPIN.3des = 0123456789ABCDEFFEDCBA9876543210\n")
        func reload(tamper: Bool) throws -> StatusWord {
            let challenge = try channel.transmit(CommandAPDU(cla: 0, ins: 0x84, p1: 0, p2: 0, le: 4)).data
            var mac = try module.mac(for: MACRequest(purpose: .reloadPIN, algorithm: .tripleDES, cardId: profile.cardId,
                                                     challenge: challenge, cla: 0x80, ins: 0x5E, p1: 0, p2: 0,
                                                     dataBeforeMAC: [0x65, 0x43, 0x21]))
            if tamper { mac[0] ^= 1 }
            return try channel.transmit(CommandAPDU(cla: 0x80, ins: 0x5E, p1: 0, p2: 0,
                                                    data: [0x65, 0x43, 0x21] + mac)).statusWord
        }
        #expect(try reload(tamper: true) == .macInvalid)
        #expect(card.pinTriesLeft == 0)
        #expect(try reload(tamper: false) == .success)
        #expect(card.pinTriesLeft == 3)
        let verified = try channel.transmit(CommandAPDU(cla: 0, ins: 0x20, p1: 0, p2: 0, data: [0x65, 0x43, 0x21]))
        #expect(verified.statusWord == .success)
    }

    @Test("faults: vanish on the n-th APDU, truncated records")
    func faults() throws {
        let vanishing = VirtualSSCard(profile: try Fixtures.profile(Fixtures.profileJSON(extra: #", "faults": {"vanishAfterAPDUs": 2}"#)))
        #expect(vanishing.process(select.bytes) != .vanish)
        #expect(vanishing.process([0x00, 0xC0, 0x00, 0x00, 0x13]) == .vanish)
        let truncated = VirtualCardChannel(card: VirtualSSCard(profile: try Fixtures.profile(
            Fixtures.profileJSON(protocol: "T=1", extra: #", "faults": {"garbageRecords": "truncated"}"#))))
        _ = try truncated.transmit(select)
        let ssn = try truncated.transmit(CommandAPDU(cla: 0, ins: 0xB2, p1: 0x08, p2: 0x30, le: 0x14))
        #expect(ssn.data.count == 10 && ssn.statusWord == .success)
    }

    @Test("faults: a card that stops answering after n APDUs per insertion, and answers again once reinserted")
    func stopAnswering() throws {
        let card = VirtualSSCard(profile: try Fixtures.profile(Fixtures.profileJSON(extra: #", "faults": {"stopAnsweringAfter": 2}"#)))
        #expect(card.process(select.bytes) != .silence)
        #expect(card.process(select.bytes) != .silence)
        #expect(card.process(select.bytes) == .silence)
        card.reset()  // a warm reset is not a new insertion: still mute
        #expect(card.process(select.bytes) == .silence)
        card.inserted()
        #expect(card.process(select.bytes) != .silence)
        #expect(throws: CardProfileError.self) {
            try Fixtures.profile(Fixtures.profileJSON(extra: #", "faults": {"stopAnsweringAfter": -1}"#))
        }
    }

    @Test("faults: a record under the wrong tag, a status word no command expects")
    func brokenRecords() throws {
        let readSSN = CommandAPDU(cla: 0, ins: 0xB2, p1: 0x08, p2: 0x30, le: 0x14)
        let wrongTag = VirtualCardChannel(card: VirtualSSCard(profile: try Fixtures.profile(
            Fixtures.profileJSON(protocol: "T=1", extra: #", "faults": {"garbageRecords": "wrongTag"}"#))))
        _ = try wrongTag.transmit(select)
        let tagged = try wrongTag.transmit(readSSN)
        #expect(tagged.statusWord == .success && tagged.data.first == 0x88 && tagged.data.count == 20)
        let odd = VirtualCardChannel(card: VirtualSSCard(profile: try Fixtures.profile(
            Fixtures.profileJSON(protocol: "T=1", extra: #", "faults": {"recordStatus": "6F00"}"#))))
        #expect(try odd.transmit(select).statusWord == .success)
        let refused = try odd.transmit(readSSN)
        #expect(refused.statusWord == StatusWord(0x6F00) && refused.data.isEmpty)
        #expect(throws: CardProfileError.self) {
            _ = try Fixtures.profile(Fixtures.profileJSON(extra: #", "faults": {"recordStatus": "6F"}"#))
        }
    }

    @Test("profile errors name the field and never echo the value", arguments: [
        (#""pin": "123456""#, #""pin": "12a4""#, "pin"),
        (#""ssn": "11010519491231002X""#, #""ssn": "110105194912310021""#, "ssn"),
        (#""sex": "2""#, #""sex": 2"#, "sex"),
        (#""cardNumber": "X00000019","#, "", "cardNumber"),
    ])
    func profileErrors(original: String, replacement: String, field: String) {
        let text = Fixtures.profileJSON().replacingOccurrences(of: original, with: replacement)
        do {
            _ = try Fixtures.profile(text)
            Issue.record("profile accepted")
        } catch let error as CardProfileError {
            #expect(error.field == field)
            #expect(!error.description.contains("12a4") && !error.description.contains("110105194912310021"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
