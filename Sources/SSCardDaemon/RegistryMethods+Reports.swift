import Foundation
import Registry
import SSCardInterfaces
import SSCardProtocol
import SSCardValues
import Varlink

extension RegistryMethods {
    /// Report: the figures of local days [from, to). An operator's report is
    /// always their own service point's: the daemon sets the limit, and a
    /// call naming another point is refused (and so recorded) rather than
    /// quietly narrowed. An administrator sees every point, or the one named.
    func report(_ context: CallContext) throws -> JSONValue {
        let period = try Self.period(context, now: registry.clock.now())
        let point = try Self.servicePoint(context, own: registry.servicePoint)
        return ReportJSON.report(try registry.report(period, servicePoint: point))
    }

    /// ExportAudit (with `more`): the period's entries in pages of
    /// `exportPage`, masked unless asked otherwise, then the count. The walk
    /// is one snapshot read a page at a time, so its memory does not grow with
    /// the period; a caller that hangs up stops it. Done or abandoned, the
    /// export is recorded with its count.
    func exportAudit(_ context: CallContext, _ reply: VarlinkReply) throws {
        guard context.call.more else { throw VarlinkError.expectedMore }
        let period = try Self.period(context, now: registry.clock.now())
        let point = try context.parameters.optionalText(.servicePoint, limit: Parameters.TextLimit.servicePoint)
        let unmasked = try context.parameters.optionalBool(.unmasked) ?? false
        var page: [JSONValue] = []
        var completed = false
        var sent = 0
        defer {
            try? registry.recordAuditExport(actor: context.actor, period: period, servicePoint: point, masked: !unmasked,
                                            entries: sent, completed: completed)
        }
        func flush() throws {
            guard !page.isEmpty else { return }
            guard reply.isConnected else { throw CallerGone() }
            reply.send(.fields([.entries: .array(page), .masked: .bool(!unmasked)]), continues: true)
            sent += page.count
            page.removeAll(keepingCapacity: true)
            // Keep the reader's pace: at most about a megabyte on its way.
            guard reply.waitForBacklog(below: Self.exportBacklog, timeout: Self.exportStall) else { throw CallerGone() }
        }
        try registry.exportAudit(from: period.from, to: period.to, servicePoint: point) { entry in
            page.append(ReportJSON.exportedEntry(entry, unmasked: unmasked))
            if page.count == Self.exportPage { try flush() }
            return true
        }
        try flush()
        completed = true
        reply.send(.fields([.exported: .int(Int64(sent)), .masked: .bool(!unmasked)]))
    }

    /// Entries per ExportAudit reply: large enough that framing costs little,
    /// small enough to stay far inside the client's message limit.
    static let exportPage = 256
    /// Reply bytes an export leaves on their way before it waits for the
    /// reader: well under the server's output cap (4 MiB), which would
    /// otherwise disconnect a reader slower than the registry.
    static let exportBacklog = 1 << 20
    /// A reader that takes nothing for this long is given up on (the walk
    /// holds a snapshot and a worker thread).
    static let exportStall: Duration = .seconds(300)

    static func period(_ context: CallContext, now: Timestamp) throws -> ReportPeriod {
        let p = context.parameters
        let from = try day(p, .from), to = try day(p, .to)
        do {
            return try ReportPeriod(from: from, to: to, now: now)
        } catch {
            throw p.invalidValue(.to, error.description)
        }
    }

    static func day(_ p: Parameters, _ key: WireKey) throws -> CalendarDate {
        let text = try p.string(key)
        do {
            return try CalendarDate(text, field: key.rawValue)
        } catch {
            throw p.invalidValue(key, "must be a date, YYYY-MM-DD: \(error)")
        }
    }

    /// The service point a report is limited to: the operator's own always;
    /// for an administrator the one named, or none (every point).
    static func servicePoint(_ context: CallContext, own: String) throws -> String? {
        let named = try context.parameters.optionalText(.servicePoint, limit: Parameters.TextLimit.servicePoint)
        guard context.role == .admin else {
            if let named, named != own {
                throw context.denied("an operator sees the reports of their own service point (\(own)) only")
            }
            return own
        }
        return named
    }
}
