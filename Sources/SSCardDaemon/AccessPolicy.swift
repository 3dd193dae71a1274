import SSCardInterfaces

/// Which roles may call which method: the policy table of docs/protocol.md.
/// Keyed by the typed method names, so a row cannot name a method the IDL
/// does not declare; AccessPolicyTests fails when an IDL method has no row.
///
/// Each row names the set of roles allowed, not a lowest role: the remote
/// channel (a 12333 / app / website integration) may report a temporary loss
/// by number and name and read status and production progress, but none of
/// the kiosk's card-in-the-reader calls, so roles are not one ladder. Kiosk
/// and remote calls carry extra conditions, checked by the handlers: a kiosk
/// acts only on the card in its reader; both report temporary losses only,
/// naming the holder; a remote status query names the holder too.
public enum AccessPolicy {
    static let staff: Set<Role> = [.operator, .admin]
    static let everyone: Set<Role> = [.kiosk, .remote, .operator, .admin]

    public static let allowedRoles: [SSCardMethod: Set<Role>] = [
        // Registry: self-service, at a kiosk with the card inserted, or remotely by number and name.
        .registry(.getStatus): everyone,
        .registry(.reportLoss): everyone,
        .registry(.activate): [.kiosk, .operator, .admin],
        .registry(.changePassword): [.kiosk, .operator, .admin],
        // Registry: holder services at the counter.
        .registry(.apply): staff,
        .registry(.bindCard): staff,
        .registry(.recordInstantProduction): staff,
        .registry(.releaseLoss): staff,
        .registry(.lock): staff,
        .registry(.unlock): staff,
        .registry(.resetPassword): staff,
        .registry(.replace): staff,
        .registry(.updateHolder): staff,
        .registry(.cancel): staff,
        .registry(.recordBankEvent): staff,
        .registry(.history): staff,
        .registry(.pendingReleases): staff,
        .registry(.monitor): staff,
        // Reports: an operator's are limited to their own service point by the handler.
        .registry(.report): staff,
        // Registry: administration.
        .registry(.advanceApplication): [.admin],
        .registry(.beginBatchImport): [.admin],
        .registry(.addBatchText): [.admin],
        .registry(.commitBatchImport): [.admin],
        .registry(.abortBatchImport): [.admin],
        .registry(.seal): [.admin],
        .registry(.unseal): [.admin],
        .registry(.verifyAudit): [.admin],
        .registry(.backup): [.admin],
        .registry(.exportAudit): [.admin],
        // Readers: the devices of a kiosk or counter; a remote integration has none.
        .reader(.listReaders): [.kiosk, .operator, .admin],
        .reader(.readCard): [.kiosk, .operator, .admin],
        .reader(.verifyPin): [.kiosk, .operator, .admin],
        .reader(.changePin): [.kiosk, .operator, .admin],
        .reader(.monitor): [.kiosk, .operator, .admin],
        // The counter's PSAM: presence and serial, never keys; the counter checks it before a PIN reset.
        .reader(.psamStatus): [.operator, .admin],
    ]

    /// Whether `role` may call the method a call names. Methods the
    /// interfaces do not declare are refused; the server answers
    /// MethodNotFound first anyway.
    public static func allows(_ role: Role?, _ method: String) -> Bool {
        guard let method = SSCardMethod(name: method) else { return false }
        return allows(role, method)
    }

    public static func allows(_ role: Role?, _ method: SSCardMethod) -> Bool {
        guard let role, let allowed = allowedRoles[method] else { return false }
        return allowed.contains(role)
    }
}
