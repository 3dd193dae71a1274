import Registry
import SSCardInterfaces
import SSCardValues
import Varlink

/// Reports and exported audit entries on the wire (org.sscard.Registry.Report,
/// ExportAudit). The keys are the IDL's; sscardctl's CSV, table and HTML page
/// are all drawn from this one object, so they show the same numbers.
public enum ReportJSON {
    public static func report(_ report: ActivityReport) -> JSONValue {
        let period = report.period
        var object: [WireKey: JSONValue] = [
            .from: .string(period.firstDay.description),
            .to: .string(period.endDay.description),
            .timeZone: .string(period.timeZone.identifier),
            .generatedAt: .string(period.local(period.now)),
            .bucketMinutes: .int(period.bucketMilliseconds / 60_000),
            .operations: .array(report.operations.map {
                .fields([.action: .string($0.action), .outcome: .string($0.outcome), .channel: .string($0.channel),
                         .servicePoint: .string($0.servicePoint), .count: .int($0.count)])
            }),
            .timeline: .array(report.timeline.map {
                .fields([.start: .string(period.local($0.start)), .operations: .int($0.operations),
                         .losses: .int($0.losses), .releases: .int($0.releases)])
            }),
            .pendingReleases: .array(report.pendingReleases.map {
                .fields([.day: .string(ReportPeriod.day(of: period.today.adding(days: $0.dayOffset).adding(milliseconds: 43_200_000),
                                                        in: period.timeZone).description),
                         .count: .int($0.count)])
            }),
            .backlog: .array(report.backlog.map {
                .fields([.stage: .string($0.stage.rawValue), .age: .string($0.age.rawValue), .count: .int($0.count)])
            }),
            .fees: .array(report.fees.map {
                .fields([.settlement: .string($0.settlement), .count: .int($0.count), .totalFen: .int($0.totalFen)])
            }),
        ]
        if let point = report.servicePoint { object[.servicePoint] = .string(point) }
        return .fields(object)
    }

    /// An audit entry for export: as `RegistryJSON.auditEntry`, with the
    /// holder's identifiers masked (`PersonalData`) unless `unmasked`, and
    /// SSN-shaped text inside reasons and details masked too.
    public static func exportedEntry(_ entry: AuditEntry, unmasked: Bool) -> JSONValue {
        let json = RegistryJSON.auditEntry(entry)
        guard !unmasked, var object = json.object else { return json }
        let maskers: [(WireKey, (String) -> String)] = [
            (.ssn, PersonalData.maskSSN), (.proxySsn, PersonalData.maskSSN), (.cardNumber, PersonalData.maskCardNumber),
            (.reason, PersonalData.scrub), (.detail, PersonalData.scrub),
        ]
        for (key, mask) in maskers {
            if let text = object[key.rawValue]?.string { object[key.rawValue] = .string(mask(text)) }
        }
        return .object(object)
    }
}
