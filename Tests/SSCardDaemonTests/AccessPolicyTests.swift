import SSCardDaemon
import SSCardInterfaces
import Testing

/// The policy table against the `.varlink` files: every method an interface
/// declares has exactly one row, and every row names a declared method.
@Suite struct AccessPolicyTests {
    static var idlMethods: Set<String> {
        SSCardInterface.allCases.reduce(into: []) { names, interface in
            names.formUnion(interface.definition.methods.map { "\(interface.rawValue).\($0)" })
        }
    }

    @Test func everyIDLMethodHasAPolicyRow() {
        let rows = Set(AccessPolicy.minimumRole.keys.map(\.name))
        #expect(Self.idlMethods.subtracting(rows).sorted() == [], "IDL methods without a policy row")
    }

    @Test func everyPolicyRowNamesAnIDLMethod() {
        let rows = Set(AccessPolicy.minimumRole.keys.map(\.name))
        #expect(rows.subtracting(Self.idlMethods).sorted() == [], "policy rows naming no IDL method")
        #expect(AccessPolicy.minimumRole.count == Self.idlMethods.count)
    }

    @Test func callsAreJudgedByTheirQualifiedName() {
        #expect(AccessPolicy.allows(.kiosk, "org.sscard.Reader.ReadCard"))
        #expect(!AccessPolicy.allows(.kiosk, "org.sscard.Registry.Lock"))
        #expect(AccessPolicy.allows(.admin, RegistryMethod.backup.name))
        #expect(!AccessPolicy.allows(.operator, .registry(.backup)))
        #expect(!AccessPolicy.allows(.admin, "org.sscard.Registry.NoSuchMethod"))
        #expect(!AccessPolicy.allows(nil, .reader(.listReaders)))
    }
}
