import Foundation
import Registry
import SocialSecurityCard
import SSCardInterfaces
import SSCardProtocol
import SSCardValues
import Synchronization
import Varlink

/// The varlink handler: resolves the caller's role, enforces the policy
/// table, dispatches to the interface's methods and maps every error to a
/// varlink error. Denied calls are answered PermissionDenied and recorded in
/// the audit trail.
final class SSCardService: VarlinkHandler, Sendable {
    let registryMethods: RegistryMethods
    let readerMethods: ReaderMethods
    private let currentRoles: ReadMostly<RoleResolver>
    let servicePoint: String
    let log: Log
    let streams = MonitorStreams()
    /// Calls counted by method, outcome and latency, for the metrics file.
    let metrics: DaemonMetrics

    init(registryMethods: RegistryMethods, readerMethods: ReaderMethods, roles: RoleResolver, servicePoint: String,
         metrics: DaemonMetrics? = nil, log: Log) {
        self.registryMethods = registryMethods
        self.readerMethods = readerMethods
        currentRoles = ReadMostly(roles)
        self.servicePoint = servicePoint
        self.metrics = metrics ?? DaemonMetrics(servicePoint: servicePoint)
        self.log = log
        if roles.kioskReaders.isEmpty {
            log.warning("no kiosk-readers.NAME in the configuration: every kiosk may use every reader")
        }
        for kiosk in roles.kioskReaders.unresolved {
            log.warning("kiosk-readers.\(kiosk): no such user or group; it is bound to no reader")
        }
    }

    var registry: Registry { registryMethods.registry }

    /// The role resolver; SIGHUP replaces it when the group names change.
    var roles: RoleResolver {
        get { currentRoles.read { $0 } }
        set { currentRoles.write { $0 = newValue } }
    }

    func connectionClosed(_ connectionID: UInt64) {
        registryMethods.batchImports.connectionClosed(connectionID)
    }

    /// Every call passes here: it is served, then counted (method, outcome,
    /// latency) in lock-free counters, so counting costs two clock reads
    /// and a few atomic adds (docs/benchmarks.md, 16-client GetStatus).
    func handle(_ call: VarlinkCall, reply: VarlinkReply) {
        let started = DispatchTime.now().uptimeNanoseconds
        let method = SSCardMethod(name: call.method)
        let failure = serve(call, method, reply: reply)
        let elapsed = DispatchTime.now().uptimeNanoseconds &- started
        metrics.calls.record(method, CallOutcome(failure), nanoseconds: elapsed)
        if let failure { metrics.refused(reason: CallOutcome.reason(failure)) }
    }

    /// Serves one call; returns the error it was answered with, if any.
    private func serve(_ call: VarlinkCall, _ method: SSCardMethod?, reply: VarlinkReply) -> VarlinkError? {
        let roles = self.roles
        let role = roles.role(uid: call.peer.uid, gid: call.peer.gid, peerGroups: call.peer.groups)
        let actor = Actor(id: roles.userName(uid: call.peer.uid), role: role.map(Actor.Role.init) ?? .none,
                          channel: role?.channel ?? .counter, servicePoint: servicePoint)
        guard let role, AccessPolicy.allows(role, call.method) else {
            var parameters: [WireKey: JSONValue] = [.method: .string(call.method)]
            if let role { parameters[.role] = .string(role.rawValue) }
            let denial = VarlinkError(SSCardInterface.permissionDenied(call.interface), .fields(parameters))
            // The journal, like the trail, hears a peer's first denial of the
            // minute; the rest are counted in the trail's refusedCalls entry.
            if recordDenial(call, actor: actor, denial) {
                log.notice("denied \(call.method) to uid \(call.peer.uid) (role \(role?.rawValue ?? "none")); "
                               + "more this minute are counted in the audit trail, not logged")
            }
            reply.fail(denial)
            return denial
        }
        do {
            let scope = role == .kiosk
                ? roles.kioskScope(uid: call.peer.uid, gid: call.peer.gid, peerGroups: call.peer.groups) : .all
            let context = CallContext(call: call, parameters: try Parameters(call.parameters, interface: call.interface),
                                      role: role, actor: actor, readerScope: scope)
            switch method {
            case .registry(.monitor): try monitorRegistry(context, reply)
            case .reader(.monitor): try monitorReaders(context, reply)
            case .registry(.verifyAudit): try registryMethods.verifyAudit(context, reply)
            case .registry(.exportAudit): try registryMethods.exportAudit(context, reply)
            case let .registry(name):
                guard let method = RegistryMethods.methods[name] else { throw VarlinkError.methodNotFound(call.method) }
                reply.send(Self.shown(try method(registryMethods, context), to: context))
            case let .reader(name):
                guard let method = ReaderMethods.methods[name] else { throw VarlinkError.methodNotFound(call.method) }
                reply.send(Self.shown(try method(readerMethods, context), to: context))
            case nil:
                guard SSCardInterface(rawValue: call.interface) != nil else { throw VarlinkError.interfaceNotFound(call.interface) }
                throw VarlinkError.methodNotFound(call.method)
            }
            return nil
        } catch {
            let failure = Self.varlinkError(error)
            noteReaderError(error)
            if failure.name == RegistryErrorName.storageFull.name {
                // The operator must free space: say so at error level, once per refused call.
                log.error("\(call.method) refused: \(failure.parameters[.reason]?.string ?? "storage full")")
            } else {
                log.info("\(call.method) by \(actor.id): \(failure.name)")
            }
            if failure.is(RegistryErrorName.permissionDenied) || failure.is(ReaderErrorName.permissionDenied) {
                recordDenial(call, actor: actor, failure)
            }
            reply.fail(failure)
            return failure
        }
    }

    /// A reader call that failed at a named reader: counted against it
    /// (`sscard_reader_errors_total`). Refusals before any reader was
    /// touched (no card, no such reader, a PIN's format) are the caller's.
    private func noteReaderError(_ error: any Error) {
        guard let failure = error as? ReaderFailure else { return }
        switch failure {
        case let .cardFailed(reader, _, _), let .cardNotAnswering(reader, _), let .readerUnresponsive(reader),
             let .readerBusy(reader, _):
            metrics.readerError(reader: reader.isEmpty ? "unknown" : reader, error: CallOutcome.reason(failure.varlinkError))
        default:
            break
        }
    }

    /// Records a denied call against the card or holder it named, when it
    /// named a valid one; at most twice per uid and minute (`RefusedAttempts`).
    /// True when it was the peer's first of the minute, recorded in full.
    @discardableResult
    func recordDenial(_ call: VarlinkCall, actor: Actor, _ denial: VarlinkError) -> Bool {
        let why = denial.parameters[.reason]?.string ?? "permission denied for role \(actor.role.rawValue)"
        return registryMethods.refusedAttempts.record(
            uid: call.peer.uid, actor: actor, method: call.methodName,
            action: AuditAction(refusedCall: SSCardMethod(name: call.method)),
            cardNumber: call.parameters[.cardNumber]?.string.flatMap { try? CardNumber($0) },
            ssn: call.parameters[.ssn]?.string.flatMap { try? SocialSecurityNumber($0) },
            reason: why)
    }

    /// A reply as this caller may see it: masked for a kiosk.
    static func shown(_ reply: JSONValue, to context: CallContext) -> JSONValue {
        shown(reply, kiosk: context.isKiosk)
    }

    static func shown(_ reply: JSONValue, kiosk: Bool) -> JSONValue {
        kiosk ? KioskView.masked(reply) : reply
    }

    static func varlinkError(_ error: Error) -> VarlinkError {
        switch error {
        case let error as VarlinkError: return error
        case let error as RegistryError: return error.varlinkError
        case let error as ProductionBatchError: return error.varlinkError
        case let error as ReaderFailure: return error.varlinkError
        case let error as CardError: return ReaderFailure.card(error, reader: "").varlinkError
        default:
            return VarlinkError(RegistryErrorName.registryUnavailable, [.reason: .string(String(describing: error))])
        }
    }

    // MARK: Streams

    /// Streams committed registry changes. The first reply ("subscribed")
    /// says the subscription is in place, so a client can act and then wait.
    func monitorRegistry(_ context: CallContext, _ reply: VarlinkReply) throws {
        guard context.call.more else { throw VarlinkError.expectedMore }
        let registry = self.registry
        let token = registry.addObserver { event in
            reply.send(Self.json(event, registry: registry), continues: true)
        }
        streams.add(reply) { registry.removeObserver(token) }
        reply.send(.fields([.action: "subscribed", .actor: .string(context.actor.id)]), continues: true)
    }

    /// Streams reader events, starting with the current readers and the
    /// cards in them (with the identities read when they were inserted).
    func monitorReaders(_ context: CallContext, _ reply: VarlinkReply) throws {
        guard context.call.more else { throw VarlinkError.expectedMore }
        let readers = readerMethods.readers
        // A kiosk sees its own readers only, and the holders in them masked.
        let scope = context.readerScope
        let kiosk = context.isKiosk
        let send: @Sendable (CardReaders.Event) -> Void = { event in
            guard scope.contains(event.reader) else { return }
            reply.send(Self.shown(ReaderMethods.event(event), kiosk: kiosk), continues: true)
        }
        let (token, present) = readers.subscribe(withCardsPresent: send)
        streams.add(reply) { readers.unsubscribe(token) }
        for reader in (try? readers.list(within: scope)) ?? [] {
            reply.send(.fields([.event: "readerAttached", .reader: .string(reader.name)]), continues: true)
            if reader.unresponsive {
                reply.send(.fields([.event: "readerUnresponsive", .reader: .string(reader.name)]), continues: true)
            }
        }
        for event in present { send(event) }
    }

    static func json(_ event: RegistryEvent, registry: Registry) -> JSONValue {
        switch event {
        case let .cardChanged(card, action, actor):
            let name = (try? registry.status(of: card.cardNumber).holderName) ?? HolderName(storedValue: "")
            return .fields([.action: .string(action.rawValue), .actor: .string(actor.id),
                            .card: RegistryJSON.card(card, name: name)])
        case let .applicationChanged(application, action, actor):
            return .fields([.action: .string(action.rawValue), .actor: .string(actor.id),
                    .application: RegistryJSON.application(application)])
        case let .holderChanged(ssn, actor):
            return .fields([.action: "updateHolder", .actor: .string(actor.id), .ssn: .string(ssn.rawValue)])
        case let .gap(reason):
            return RegistryJSON.monitorGap(reason: reason)
        }
    }
}
