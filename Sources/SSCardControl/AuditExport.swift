import Foundation
import SSCardInterfaces
import Varlink

/// `sscardctl export-audit`: the audit entries of a period, streamed from
/// sscardd (ExportAudit) into CSV or JSON Lines, a page at a time, so the
/// export's size never sits in memory. With `--output FILE` it writes
/// FILE.partial and renames it at the end: a file under the final name is a
/// whole export. Personal data comes masked unless `--unmasked`; sscardd
/// records the export either way.
extension Command {
    static let exportAudit = Command(
        summary: "export-audit --from DATE --to DATE [--format csv|jsonl] [--unmasked] [--service-point NAME] [--output FILE]",
        options: ["from", "to", "format", "unmasked", "service-point", "output"],
        render: .raw,
        build: { a in
            let from = try ReportDays.date(try a.required("from"), "--from")
            let to = try ReportDays.date(try a.required("to"), "--to")
            guard ["csv", "jsonl"].contains(a.option("format") ?? "csv") else { throw UsageError("--format is csv or jsonl") }
            var p: [WireKey: JSONValue] = [.from: .string(from.description), .to: .string(to.description)]
            if a.flag("unmasked") { p[.unmasked] = true }
            if let point = a.option("service-point") { p[.servicePoint] = .string(point) }
            return .init(method: RegistryMethod.exportAudit.name, parameters: .fields(p), more: true)
        },
        run: { request, a, client, _ in
            let jsonLines = a.option("format") == "jsonl"
            let output = a.option("output")
            let partial = output.map { $0 + ".partial" }
            let handle: FileHandle
            if let partial {
                guard FileManager.default.createFile(atPath: partial, contents: nil,
                                                     attributes: [.posixPermissions: 0o600]),
                      let opened = FileHandle(forWritingAtPath: partial) else {
                    throw UsageError("--output: cannot create \(partial)")
                }
                handle = opened
            } else {
                handle = FileHandle.standardOutput
            }
            var written = 0
            var summary: JSONValue = [:]
            do {
                if !jsonLines { handle.write(Data(CSVText.line(AuditCSV.header).utf8)) }
                try client.stream(request.method, request.parameters) { reply in
                    if let entries = reply[.entries]?.array {
                        var chunk = ""
                        for entry in entries {
                            chunk += jsonLines ? entry.description + "\n" : CSVText.line(AuditCSV.fields(entry))
                        }
                        handle.write(Data(chunk.utf8))
                        written += entries.count
                        if isatty(STDERR_FILENO) == 1, output != nil {
                            FileHandle.standardError.write(Data("\r\u{1B}[Kexporting: \(written) entries".utf8))
                        }
                    } else {
                        summary = reply
                    }
                    return true
                }
            } catch {
                if let partial { try? handle.close(); try? FileManager.default.removeItem(atPath: partial) }
                throw error
            }
            if let output, let partial {
                try handle.synchronize()
                try handle.close()
                if rename(partial, output) != 0 { throw UsageError("--output: cannot rename \(partial) to \(output)") }
            }
            if isatty(STDERR_FILENO) == 1, output != nil { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            let masked = summary[.masked]?.bool ?? true
            FileHandle.standardError.write(Data(("sscardctl: exported \(summary[.exported]?.int ?? Int64(written)) audit entries"
                + (masked ? " (personal data masked)" : " (UNMASKED)") + (output.map { " to \($0)" } ?? "") + "\n").utf8))
        })
}

/// The CSV columns of an exported audit entry, in the IDL's order.
enum AuditCSV {
    static let keys: [WireKey] = [.sequence, .at, .actor, .role, .channel, .servicePoint, .action, .outcome, .cardNumber,
                                  .ssn, .applicationId, .document, .proxySsn, .oldState, .newState, .reason, .detail, .hash]
    static let header = keys.map(\.rawValue)

    static func fields(_ entry: JSONValue) -> [String] {
        keys.map { TextTable.text(entry[$0] ?? .null) }
    }
}
