import Registry
import SSCardInterfaces
import SSCardProtocol
import SSCardValues
import Varlink

/// One call as the handlers see it: typed parameters, the caller's role and
/// the actor the audit trail records.
struct CallContext {
    let call: VarlinkCall
    let parameters: Parameters
    let role: Role
    let actor: Actor
    /// The readers this caller may see and use.
    var readerScope: ReaderScope = .all

    var isKiosk: Bool { role == .kiosk }
    /// A 12333 / app / website integration: no reader, acts by the holder's number and name.
    var isRemote: Bool { role == .remote }
    /// Self-service, at a kiosk or remotely: a loss report is temporary only and names the holder.
    var isSelfService: Bool { isKiosk || isRemote }

    /// The `reader` parameter, checked against the caller's readers; a
    /// kiosk bound to one reader that names none gets its own.
    func reader() throws -> String? {
        guard let named = try parameters.optionalString(.reader) else { return readerScope.soleReader }
        guard readerScope.contains(named) else { throw denied("reader \(PrintableText.quoted(named)) is not bound to this kiosk") }
        return named
    }

    /// The method's short name, the audit trail's action for denied calls.
    var method: String { call.methodName }

    /// Records a refusal this caller could repeat at will (at most twice per uid and minute).
    func recordRefusal(_ attempts: RefusedAttempts, action: AuditAction, cardNumber: CardNumber? = nil,
                       ssn: SocialSecurityNumber? = nil, reason: String) {
        attempts.record(uid: call.peer.uid, actor: actor, method: method, action: action, cardNumber: cardNumber,
                        ssn: ssn, reason: reason)
    }

    func denied(_ why: String) -> VarlinkError {
        VarlinkError(SSCardInterface.permissionDenied(call.interface),
                     .fields([.method: .string(call.method), .role: .string(role.rawValue), .reason: .string(why)]))
    }
}

extension Actor.Role {
    init(_ role: Role) {
        switch role {
        case .admin: self = .admin
        case .operator: self = .operator
        case .kiosk: self = .kiosk
        case .remote: self = .remote
        }
    }
}
