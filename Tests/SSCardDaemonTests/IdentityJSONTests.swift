import SocialSecurityCard
import SSCardInterfaces
import SSCardProtocol
import SSCardValues
import Testing
import Varlink

/// The one JSON encoding of a card identity, `IdentityJSON`: what ReadCard
/// and the reader Monitor send, checked against the CardIdentity types of the IDL.
@Suite struct IdentityJSONTests {
    static func identity() throws -> CardIdentity {
        try CardIdentity(cardNumber: CardNumber("X00000019"), ssn: SocialSecurityNumber("11010519491231002X"),
                         name: HolderName("热合曼·买买提"), cardId: CardIdentificationCode("639900D15600000500BF7C7A48FB4966"),
                         specVersion: "2.00", generation: 2, issueDate: CalendarDate("2010-10-01"),
                         expiryDate: CalendarDate("2020-10-01"), birthDate: CalendarDate("1949-12-31"), sex: .female,
                         ethnicity: "05", birthplace: "6501", atr: [0x3B, 0x6D, 0x00, 0xBF, 0x7C, 0x7A])
    }

    @Test(arguments: SSCardInterface.allCases)
    func theKeysAreTheIDLsCardIdentityFields(interface: SSCardInterface) throws {
        let sent = try #require(IdentityJSON.identity(try Self.identity()).object)
        let declared = try #require(interface.definition.types["CardIdentity"])
        #expect(Set(sent.keys) == Set(declared))
        #expect(sent["generation"] == nil, "the chip generation is not part of the wire identity")
    }

    @Test func valuesAreSpelledAsTheProtocolSays() throws {
        let sent = IdentityJSON.identity(try Self.identity())
        #expect(sent[.issueDate] == "2010-10-01")
        #expect(sent[.expiryDate] == "2020-10-01")
        #expect(sent[.birthDate] == "1949-12-31")
        #expect(sent[.atr] == "3B6D00BF7C7A")
        #expect(sent[.sex] == "female")
        #expect(sent[.region] == "639900")
        #expect(sent[.ssn] == "11010519491231002X")
        #expect(sent[.name] == "热合曼·买买提")
    }
}
