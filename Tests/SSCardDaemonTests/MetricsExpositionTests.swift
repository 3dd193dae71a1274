import Foundation
import Glibc
import Registry
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink
@testable import SSCardDaemon

/// The metrics file's text: the exposition format node_exporter parses, with
/// label values escaped, cumulative histogram buckets and no personal data.
/// (scripts/test-metrics parses a running daemon's file with node_exporter and
/// the Prometheus client's parser.)
@Suite("sscardd: the metrics file")
struct MetricsExpositionTests {
    @Test func familiesHaveHelpAndTypeThenTheirSamples() {
        var file = MetricsExposition()
        file.family("sscard_things_total", .counter, help: "Things counted.")
        file.sample("sscard_things_total", [("service_point", "p1"), ("kind", "a")], count: 3)
        file.family("sscard_level", .gauge, help: "A level.")
        file.sample("sscard_level", [], 0.25)
        #expect(file.text == """
            # HELP sscard_things_total Things counted.
            # TYPE sscard_things_total counter
            sscard_things_total{service_point="p1",kind="a"} 3
            # HELP sscard_level A level.
            # TYPE sscard_level gauge
            sscard_level 0.25

            """)
    }

    @Test func labelValuesEscapeBackslashQuoteAndNewlineOnly() {
        #expect(MetricsExposition.escapedLabelValue(#"C:\Reader "SAM" 0"#) == #"C:\\Reader \"SAM\" 0"#)
        #expect(MetricsExposition.escapedLabelValue("two\nlines") == #"two\nlines"#)
        #expect(MetricsExposition.escapedLabelValue("读卡器 00 01\t") == "读卡器 00 01\t", "UTF-8 and tabs as they are")
        var file = MetricsExposition()
        file.family("sscard_reader_present", .gauge, help: "Help with a \\ and a\nnewline.")
        file.sample("sscard_reader_present", [("reader", "Vendor \"X\" \\ 1\n")], 1)
        #expect(file.text.contains(#"# HELP sscard_reader_present Help with a \\ and a\nnewline."#))
        #expect(file.text.contains(#"sscard_reader_present{reader="Vendor \"X\" \\ 1\n"} 1"#))
        #expect(file.text.split(separator: "\n").count == 3, "no raw newline inside a line")
    }

    @Test func valuesAreWrittenAsTheFormatSpellsThem() {
        #expect(MetricsExposition.formatted(42) == "42")
        #expect(MetricsExposition.formatted(0.0005) == "0.0005")
        #expect(MetricsExposition.formatted(1_765_000_000.25) == "1765000000.25")
        #expect(MetricsExposition.formatted(.infinity) == "+Inf")
        #expect(MetricsExposition.formatted(.nan) == "NaN")
    }

    @Test func histogramBucketsAreCumulativeAndEndAtInfWithSumAndCount() {
        var file = MetricsExposition()
        file.family("sscard_call_duration_seconds", .histogram, help: "Latency.")
        file.histogram("sscard_call_duration_seconds", [("method", "Registry.GetStatus")], bounds: [0.001, 0.01],
                       counts: [2, 3, 1], sum: 0.5)
        #expect(file.text.contains(#"sscard_call_duration_seconds_bucket{method="Registry.GetStatus",le="0.001"} 2"#))
        #expect(file.text.contains(#"sscard_call_duration_seconds_bucket{method="Registry.GetStatus",le="0.01"} 5"#))
        #expect(file.text.contains(#"sscard_call_duration_seconds_bucket{method="Registry.GetStatus",le="+Inf"} 6"#))
        #expect(file.text.contains(#"sscard_call_duration_seconds_sum{method="Registry.GetStatus"} 0.5"#))
        #expect(file.text.contains(#"sscard_call_duration_seconds_count{method="Registry.GetStatus"} 6"#))
    }

    @Test func callsLandInTheirMethodOutcomeAndLatencyBucket() {
        let calls = CallMetrics()
        calls.record(.registry(.getStatus), .ok, nanoseconds: 40_000)        // ≤ 50 µs
        calls.record(.registry(.getStatus), .ok, nanoseconds: 50_000)        // on the bound: still ≤ 50 µs
        calls.record(.registry(.getStatus), .refused, nanoseconds: 2_000_000) // ≤ 2.5 ms
        calls.record(.reader(.readCard), .unavailable, nanoseconds: 40_000_000_000) // above 30 s
        calls.record(nil, .invalid, nanoseconds: 1)
        let figures = Dictionary(uniqueKeysWithValues: calls.figures().map { ($0.method, $0) })
        let status = try! #require(figures["Registry.GetStatus"])
        #expect(status.outcomes == [2, 0, 1, 0, 0])
        #expect(status.buckets[0] == 2)
        #expect(status.buckets[CallMetrics.bounds.firstIndex(of: 0.0025)!] == 1)
        #expect(status.buckets.reduce(0, +) == status.calls)
        #expect(abs(status.sumSeconds - 0.00209) < 1e-12)
        #expect(figures["Reader.ReadCard"]?.buckets.last == 1, "above every bound: only +Inf")
        #expect(figures["unknown"]?.outcomes[CallOutcome.invalid.rawValue] == 1)
        #expect(figures["Registry.Monitor"] != nil && figures["Reader.Monitor"] != nil, "both Monitors, apart")
    }

    @Test func outcomesFromErrorNames() {
        #expect(CallOutcome(nil) == .ok)
        #expect(CallOutcome(VarlinkError(RegistryErrorName.permissionDenied)) == .denied)
        #expect(CallOutcome(VarlinkError(ReaderErrorName.permissionDenied)) == .denied)
        #expect(CallOutcome(VarlinkError(RegistryErrorName.cardNotFound)) == .refused)
        #expect(CallOutcome(VarlinkError(RegistryErrorName.transitionRefused)) == .refused)
        #expect(CallOutcome(VarlinkError.invalidParameter("cardNumber")) == .invalid)
        #expect(CallOutcome(VarlinkError(RegistryErrorName.registryUnavailable)) == .unavailable)
        #expect(CallOutcome(VarlinkError(ReaderErrorName.readerUnresponsive)) == .unavailable)
        #expect(CallOutcome.reason(VarlinkError(RegistryErrorName.cardNotFound)) == "CardNotFound")
    }

    static func snapshot(registry: RegistryFigures?) -> MetricsSnapshot {
        let metrics = DaemonMetrics(servicePoint: "140105 \"东\"", startTime: Date(timeIntervalSince1970: 1_765_000_000))
        metrics.calls.record(.registry(.getStatus), .ok, nanoseconds: 30_000)
        metrics.refused(reason: "CardNotFound")
        metrics.readerError(reader: "Virtual PCD 00 00", error: "insertionRead")
        metrics.autoReleased(3)
        return MetricsSnapshot(
            servicePoint: metrics.servicePoint, version: "0.1.0", startTime: metrics.startTime,
            calls: metrics.calls.figures(), counts: metrics.counts(), registry: registry,
            registryLastSuccess: registry == nil ? nil : 1_765_000_100, readersAvailable: true,
            readers: [.init(name: "Virtual PCD 00 00", present: true, cardPresent: true, unresponsive: false),
                      .init(name: "Gone 01", present: false, cardPresent: false, unresponsive: false)])
    }

    @Test func theSnapshotLabelsEveryPerDaemonSeriesWithItsServicePointButNotTheRegistryWideCards() throws {
        let text = Self.snapshot(registry: RegistryFigures(cardsByState: [.active: 2, .temporarilyLost: 1],
                                                           auditChain: "", auditChainLength: 17)).exposition
        let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        for sample in samples where !sample.hasPrefix("sscard_cards{") {
            #expect(sample.contains(#"service_point="140105 \"东\"""#), "\(sample)")
        }
        #expect(samples.contains(#"sscard_cards{state="active"} 2"#))
        #expect(samples.contains(#"sscard_cards{state="cancelled"} 0"#), "every state, zero included")
        #expect(samples.contains(#"sscard_audit_chain_entries{service_point="140105 \"东\""} 17"#))
        #expect(samples.contains(#"sscard_registry_up{service_point="140105 \"东\""} 1"#))
        #expect(samples.contains(#"sscard_auto_releases_total{service_point="140105 \"东\""} 3"#))
        #expect(samples.contains(#"sscard_reader_present{service_point="140105 \"东\"",reader="Gone 01"} 0"#))
        #expect(samples.contains(
            #"sscard_calls_total{service_point="140105 \"东\"",method="Registry.GetStatus",outcome="ok"} 1"#))
        #expect(!text.contains("Registry.Apply"), "methods never called are left out")
        // Each family's HELP and TYPE once, before its samples.
        let types = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }
        #expect(Set(types).count == types.count)
        #expect(types.count == text.split(separator: "\n").filter { $0.hasPrefix("# HELP ") }.count)
    }

    @Test func aRegistryThatDoesNotAnswerIsDownAndItsFiguresAreLeftOut() {
        let text = Self.snapshot(registry: nil).exposition
        #expect(text.contains(#"sscard_registry_up{service_point="140105 \"东\""} 0"#))
        #expect(!text.contains("sscard_cards{"))
        #expect(!text.contains("sscard_audit_chain_entries{"))
        #expect(!text.contains("sscard_registry_last_success_timestamp_seconds{"))
    }

    @Test func theFileIsReplacedWholeMode0644WhateverTheUmaskWithNoTemporaryLeft() throws {
        let directory = try TemporaryDirectory()
        let file = MetricsFile(path: directory.path + "/sscard.prom")
        let previous = umask(0o077)
        defer { umask(previous) }
        try file.write("a 1\n")
        try file.write("b 2\n")
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "b 2\n")
        var status = stat()
        #expect(stat(file.path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o644)
        #expect(!FileManager.default.fileExists(atPath: file.temporaryPath))
        let missing = MetricsFile(path: directory.path + "/no-such-directory/sscard.prom")
        #expect(throws: MetricsFile.Failure.self) { try missing.write("c 3\n") }
    }

    /// Someone else who may write the textfile directory plants a link at
    /// the temporary name: the write replaces the link, never its target.
    @Test func aLinkPlantedAtTheTemporaryNameIsNotFollowed() throws {
        let directory = try TemporaryDirectory()
        let victim = directory.path + "/registry.sqlite"
        try "precious".write(toFile: victim, atomically: true, encoding: .utf8)
        chmod(victim, 0o600)
        let file = MetricsFile(path: directory.path + "/sscard.prom")
        #expect(symlink(victim, file.temporaryPath) == 0)
        try file.write("a 1\n")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        var status = stat()
        #expect(stat(victim, &status) == 0 && status.st_mode & 0o777 == 0o600)
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "a 1\n")
    }

    @Test func theConfigurationWantsAPromFileInAWritableDirectory() throws {
        let directory = try TemporaryDirectory()
        #expect(MetricsFile.problem(with: directory.path + "/sscard.prom") == nil)
        #expect(MetricsFile.problem(with: directory.path + "/sscard.txt")?.contains("must end in .prom") == true)
        #expect(MetricsFile.problem(with: directory.path + "/missing/sscard.prom")?.contains("does not exist") == true)
        var configuration = Configuration(environment: [:])
        try configuration.apply("metrics-file = \(directory.path)/sscard.prom\nmetrics-interval = 5\n", path: "t.conf")
        #expect(configuration.metricsFile == directory.path + "/sscard.prom")
        #expect(configuration.metricsIntervalSeconds == 5)
        #expect(throws: ConfigurationError.self) { try Configuration(environment: [:]).applying("metrics-file = x.prom\n") }
        #expect(throws: ConfigurationError.self) { try Configuration(environment: [:]).applying("metrics-file = /m.txt\n") }
        #expect(throws: ConfigurationError.self) { try Configuration(environment: [:]).applying("metrics-interval = 0\n") }
    }
}

/// A directory removed when the value goes away.
private final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/sscard-metrics.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

private extension Configuration {
    func applying(_ text: String) throws -> Configuration {
        var copy = self
        try copy.apply(text, path: "t.conf")
        return copy
    }
}
