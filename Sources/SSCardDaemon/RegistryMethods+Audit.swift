import Foundation
import Registry
import SSCardInterfaces
import SSCardProtocol
import Varlink

extension RegistryMethods {
    /// How often a VerifyAudit called with `more` says how far it is: well
    /// inside any client's timeout, however long the chain.
    static let verifyProgressInterval: Duration = .seconds(1)

    /// VerifyAudit: the chain held to a head remembered outside the database
    /// (the caller's `head`, else the head file's), from the last verified
    /// checkpoint onwards, or with `whole` (or no checkpoint yet) every chain from its genesis.
    ///
    /// Called with `more`, it streams `progress` replies while it walks, so a
    /// chain of tens of millions of entries never outlives a client's timeout;
    /// without, it answers once at the end, as it always did.
    func verifyAudit(_ context: CallContext, _ reply: VarlinkReply) throws {
        let p = context.parameters
        let chain = try registry.auditHead().chain
        let lastVerified = auditCheckpoints?.lastVerified
        // No verified checkpoint yet (or no key to keep one): every chain from
        // its genesis, as VerifyAudit always did.
        let whole = try p.optionalBool(.whole) ?? false || lastVerified == nil
        var head = auditCheckpoints?.knownHead
        if let text = try p.optionalString(.head) {
            guard let given = AuditHead(chain: chain, text: text) else {
                throw p.invalidValue(.head, "must be SEQUENCE:HEX, as the journal's audit checkpoints show it")
            }
            head = given
        }
        let start = whole ? nil : lastVerified
        if let head, let (sequence, problem) = try registry.checkAuditHead(head) {
            reply.send(Self.verification(AuditVerification(entriesChecked: 0, firstBrokenSequence: sequence,
                                                           problem: problem, firstBrokenChain: chain),
                                         head: head, start: start, whole: whole))
            return
        }
        var lastProgress = ContinuousClock.now
        let streaming = context.call.more
        let result = try registry.verifyAudit(head: head, start: start, whole: whole) { checked in
            // A caller that hung up gets nothing more: stop walking for it.
            guard reply.isConnected else { throw CallerGone() }
            guard streaming, ContinuousClock.now - lastProgress >= Self.verifyProgressInterval else { return }
            lastProgress = ContinuousClock.now
            reply.send(.fields([.progress: true, .intact: true, .entriesChecked: .int(Int64(checked)),
                                .from: .int(start?.sequence ?? 1)]), continues: true)
        }
        if let verified = result.verifiedHead { auditCheckpoints?.verified(verified) }
        reply.send(Self.verification(result, head: head, start: start, whole: whole))
    }

    static func verification(_ result: AuditVerification, head: AuditHead?, start: AuditHead?,
                             whole: Bool) -> JSONValue {
        var reply: [WireKey: JSONValue] = [
            .intact: .bool(result.isIntact), .entriesChecked: .int(Int64(result.entriesChecked)),
            .from: .int(whole ? 1 : start?.sequence ?? 1), .whole: .bool(whole),
        ]
        if let broken = result.firstBrokenSequence { reply[.firstBrokenSequence] = .int(broken) }
        if let problem = result.problem { reply[.problem] = .string(problem) }
        if let head { reply[.head] = .string(head.text) }
        if let verified = result.verifiedHead { reply[.verifiedHead] = .string(verified.text) }
        return .fields(reply)
    }
}

/// A VerifyAudit abandoned because its caller disconnected.
struct CallerGone: Error, CustomStringConvertible {
    var description: String { "the caller disconnected; the audit walk was abandoned" }
}
