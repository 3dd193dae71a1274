import Foundation

/// The Prometheus text exposition format (version 0.0.4), written family by
/// family: what node_exporter's textfile collector reads.
///
/// That collector parses the classic text format, not OpenMetrics proper: a
/// counter's `# TYPE` line names it with its `_total`, no sample carries a
/// timestamp (the collector refuses the file if one does), and there is no
/// `# EOF`. The names follow OpenMetrics' conventions all the same (base
/// units, `_total`, `_seconds`), so the same series read well either way.
struct MetricsExposition {
    enum Kind: String {
        case counter, gauge, histogram
    }

    /// A label's name and value; the value is escaped when written.
    typealias Label = (name: String, value: String)

    private(set) var text = ""
    /// Families written so far: a second `# TYPE` for a name is a parse error.
    private(set) var families: Set<String> = []

    /// Starts a family: its HELP and TYPE lines. Each name once per file.
    mutating func family(_ name: String, _ kind: Kind, help: String) {
        precondition(!families.contains(name), "metric family \(name) written twice")
        families.insert(name)
        text += "# HELP \(name) \(Self.escapedHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    /// One sample of the family just started.
    mutating func sample(_ name: String, _ labels: [Label] = [], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.name)=\"\(Self.escapedLabelValue($0.value))\"" }.joined(separator: ",") + "}"
        }
        text += " \(Self.formatted(value))\n"
    }

    /// A counter's or count's sample: exact up to 2^53, far beyond any count here.
    mutating func sample(_ name: String, _ labels: [Label] = [], count value: UInt64) {
        sample(name, labels, Double(value))
    }

    /// One histogram's series: `_bucket` for each bound and `+Inf`
    /// (cumulative: `counts` holds each bucket's own count, the last the
    /// calls above every bound), then `_sum` and `_count`.
    mutating func histogram(_ name: String, _ labels: [Label], bounds: [Double], counts: [UInt64], sum: Double) {
        precondition(counts.count == bounds.count + 1, "a histogram needs one count per bound and one for +Inf")
        var cumulative: UInt64 = 0
        for (index, count) in counts.enumerated() {
            cumulative += count
            let bound = index < bounds.count ? Self.formatted(bounds[index]) : "+Inf"
            sample(name + "_bucket", labels + [("le", bound)], count: cumulative)
        }
        sample(name + "_sum", labels, sum)
        sample(name + "_count", labels, count: cumulative)
    }

    /// A label value as the format wants it: backslash, double quote and
    /// line feed escaped (`\\`, `\"`, `\n`); everything else, UTF-8 included, as is.
    static func escapedLabelValue(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// HELP text escapes backslash and line feed only.
    static func escapedHelp(_ help: String) -> String {
        help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Whole numbers without a fraction (counters read as counts), others in
    /// Swift's shortest round-tripping form; `+Inf`, `-Inf` and `NaN` spelled
    /// as the format spells them.
    static func formatted(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
