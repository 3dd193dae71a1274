import SSCardValues

extension Registry {
    /// The figures of `period`, limited to `servicePoint` when given (an
    /// operator's own), every service point's when nil. One snapshot, so the
    /// sections agree with one another; each section is one aggregate query.
    public func report(_ period: ReportPeriod, servicePoint: String?) throws -> ActivityReport {
        let scoped = servicePoint != nil
        let scope: [ColumnValue] = servicePoint.map { [.text($0)] } ?? []
        let from = ColumnValue.integer(period.from.milliseconds)
        let to = ColumnValue.integer(period.to.milliseconds)
        let now = ColumnValue.integer(period.now.milliseconds)
        let today = ColumnValue.integer(period.today.milliseconds)
        return try store.read(snapshot: true) { reader in
            let operations = try reader.aggregate(.operations(scoped: scoped), [from, to] + scope).map { row in
                ActivityReport.OperationCount(action: row[0] ?? "", outcome: row[1] ?? "", channel: row[2] ?? "",
                                              servicePoint: row[3] ?? "", count: Self.integer(row[4]))
            }.sorted { ($0.action, $0.outcome, $0.channel, $0.servicePoint) < ($1.action, $1.outcome, $1.channel, $1.servicePoint) }

            var timeline = (0..<period.bucketCount).map {
                ActivityReport.TimelineBucket(start: period.bucketStart($0), operations: 0, losses: 0, releases: 0)
            }
            let bucketed = try reader.aggregate(.timeline(scoped: scoped),
                                                [from, .integer(period.bucketMilliseconds), from, to] + scope)
            for row in bucketed {
                let index = Int(Self.integer(row[0]))
                guard timeline.indices.contains(index) else { continue }
                let action = AuditAction(rawValue: row[1] ?? "")
                let count = Self.integer(row[2])
                timeline[index].operations += count
                if ActivityReport.lossActions.contains(action) { timeline[index].losses += count }
                if ActivityReport.releaseActions.contains(action) { timeline[index].releases += count }
            }

            let pending = try reader.aggregate(.pendingReleases(scoped: scoped), [today, today] + scope).map {
                ActivityReport.PendingReleaseDay(dayOffset: Int(Self.integer($0[0])), count: Self.integer($0[1]))
            }.sorted { $0.dayOffset < $1.dayOffset }

            let backlog = try reader.aggregate(.backlog(scoped: scoped), [now, now, now, now] + scope).compactMap {
                row -> ActivityReport.BacklogCount? in
                guard let stage = ApplicationStage(rawValue: row[0] ?? "") else { return nil }
                return ActivityReport.BacklogCount(stage: stage, age: BacklogAge(index: Int(Self.integer(row[1]))),
                                                   count: Self.integer(row[2]))
            }.sorted {
                let stages = ApplicationStage.allCases, ages = BacklogAge.allCases
                return (stages.firstIndex(of: $0.stage)!, ages.firstIndex(of: $0.age)!)
                    < (stages.firstIndex(of: $1.stage)!, ages.firstIndex(of: $1.age)!)
            }

            let fees = try reader.aggregate(.fees(scoped: scoped), [from, to] + scope).map {
                ActivityReport.FeeTotal(settlement: $0[0] ?? "", count: Self.integer($0[1]), totalFen: Self.integer($0[2]))
            }.sorted { $0.settlement < $1.settlement }

            return ActivityReport(period: period, servicePoint: servicePoint, operations: operations, timeline: timeline,
                                  pendingReleases: pending, backlog: backlog, fees: fees)
        }
    }

    static func integer(_ text: String?) -> Int64 { text.flatMap { Int64($0) } ?? 0 }

    /// Streams the audit entries of [from, to) (at one service point when
    /// given) in time order to `body`, which returns false to stop; one
    /// snapshot, read a page at a time, so a year of audit is never in memory.
    /// Returns how many entries `body` was given.
    @discardableResult
    public func exportAudit(from: Timestamp, to: Timestamp, servicePoint: String?,
                            _ body: (AuditEntry) throws -> Bool) throws -> Int {
        try store.read(snapshot: true) { reader in
            var count = 0
            try reader.forEachAuditEntry(from: from, to: to, servicePoint: servicePoint) { entry in
                count += 1
                return try body(entry)
            }
            return count
        }
    }

    /// Records an audit export in the trail: who, which period, masked or
    /// not, how many entries left, and whether it ran to its end (`done`) or
    /// the caller went away (`failed`).
    public func recordAuditExport(actor: Actor, period: ReportPeriod, servicePoint: String?, masked: Bool,
                                  entries: Int, completed: Bool) throws {
        let detail = "period=\(period.firstDay)..\(period.endDay) masked=\(masked ? "yes" : "no") entries=\(entries)"
            + (servicePoint.map { " servicePoint=\($0)" } ?? "")
        do {
            _ = try store.write { writer in
                try AuditTrail.append(AuditEntry(sequence: 0, at: clock.now(), actor: actor, action: .exportAudit,
                                                 outcome: completed ? .done : .failed,
                                                 reason: masked ? "audit export, personal data masked"
                                                     : "audit export, personal data unmasked",
                                                 detail: detail), to: writer)
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError.storeFailure(String(describing: error))
        }
    }
}
