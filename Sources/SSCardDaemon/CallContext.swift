import Registry
import SSCardInterfaces
import SSCardProtocol
import Varlink

/// One call as the handlers see it: typed parameters, the caller's role and
/// the actor the audit trail records.
struct CallContext {
    let call: VarlinkCall
    let parameters: Parameters
    let role: Role
    let actor: Actor

    var isKiosk: Bool { role == .kiosk }
    /// A 12333 / app / website integration: no reader, acts by the holder's number and name.
    var isRemote: Bool { role == .remote }
    /// Self-service, at a kiosk or remotely: a loss report is temporary only and names the holder.
    var isSelfService: Bool { isKiosk || isRemote }

    /// The method's short name, the audit trail's action for denied calls.
    var method: String { call.methodName }

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
