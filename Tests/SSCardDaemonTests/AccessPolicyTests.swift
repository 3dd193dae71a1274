import SSCardDaemon
import SSCardInterfaces
import Testing

/// The policy table against the `.varlink` files: every method an interface
/// declares has exactly one row, and every row names a declared method; and
/// the roles' rows as docs/protocol.md states them.
@Suite struct AccessPolicyTests {
    static var idlMethods: Set<String> {
        SSCardInterface.allCases.reduce(into: []) { names, interface in
            names.formUnion(interface.definition.methods.map { "\(interface.rawValue).\($0)" })
        }
    }

    @Test func everyIDLMethodHasAPolicyRow() {
        let rows = Set(AccessPolicy.allowedRoles.keys.map(\.name))
        #expect(Self.idlMethods.subtracting(rows).sorted() == [], "IDL methods without a policy row")
    }

    @Test func everyPolicyRowNamesAnIDLMethod() {
        let rows = Set(AccessPolicy.allowedRoles.keys.map(\.name))
        #expect(rows.subtracting(Self.idlMethods).sorted() == [], "policy rows naming no IDL method")
        #expect(AccessPolicy.allowedRoles.count == Self.idlMethods.count)
    }

    @Test func everyRowAllowsSomeoneAndAlwaysTheAdministrator() {
        for (method, roles) in AccessPolicy.allowedRoles {
            #expect(roles.contains(.admin), "\(method.name): the administrator may do everything")
        }
    }

    /// What each role other than the administrator may call, method by method.
    static let rows: [(SSCardMethod, kiosk: Bool, remote: Bool, operator: Bool)] = [
        (.registry(.getStatus), true, true, true),
        (.registry(.reportLoss), true, true, true),
        (.registry(.activate), true, false, true),
        (.registry(.changePassword), true, false, true),
        (.registry(.apply), false, false, true),
        (.registry(.bindCard), false, false, true),
        (.registry(.recordInstantProduction), false, false, true),
        (.registry(.releaseLoss), false, false, true),
        (.registry(.lock), false, false, true),
        (.registry(.unlock), false, false, true),
        (.registry(.resetPassword), false, false, true),
        (.registry(.replace), false, false, true),
        (.registry(.updateHolder), false, false, true),
        (.registry(.cancel), false, false, true),           // at the counter, with documents
        (.registry(.recordBankEvent), false, false, true),
        (.registry(.history), false, false, true),
        (.registry(.pendingReleases), false, false, true),
        (.registry(.monitor), false, false, true),
        (.registry(.advanceApplication), false, false, false),
        (.registry(.beginBatchImport), false, false, false),
        (.registry(.addBatchText), false, false, false),
        (.registry(.commitBatchImport), false, false, false),
        (.registry(.abortBatchImport), false, false, false),
        (.registry(.seal), false, false, false),
        (.registry(.unseal), false, false, false),
        (.registry(.verifyAudit), false, false, false),
        (.registry(.backup), false, false, false),
        (.registry(.report), false, false, true),
        (.registry(.exportAudit), false, false, false),
        (.reader(.listReaders), true, false, true),
        (.reader(.readCard), true, false, true),
        (.reader(.verifyPin), true, false, true),
        (.reader(.changePin), true, false, true),
        (.reader(.monitor), true, false, true),
        (.reader(.psamStatus), false, false, true),
    ]

    @Test func theTableCoversEveryMethod() {
        #expect(Set(Self.rows.map(\.0.name)) == Self.idlMethods)
    }

    @Test(arguments: rows.indices)
    func rolesAllowedPerMethod(_ index: Int) {
        let row = Self.rows[index]
        #expect(AccessPolicy.allows(.kiosk, row.0) == row.kiosk, "kiosk, \(row.0.name)")
        #expect(AccessPolicy.allows(.remote, row.0) == row.remote, "remote, \(row.0.name)")
        #expect(AccessPolicy.allows(.operator, row.0) == row.operator, "operator, \(row.0.name)")
        #expect(AccessPolicy.allows(.admin, row.0), "admin, \(row.0.name)")
    }

    /// The remote channel's limits, as issue 17 states them: never release,
    /// reset or cancel, and no reader.
    @Test func theRemoteChannelNeverReleasesResetsOrCancels() {
        for method: SSCardMethod in [.registry(.releaseLoss), .registry(.resetPassword), .registry(.cancel),
                                     .registry(.changePassword), .reader(.readCard)] {
            #expect(!AccessPolicy.allows(.remote, method), "\(method.name)")
        }
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
