@testable import sscard_bench
import Testing

/// `sscard-bench all` reads the card benchmark's summary back from
/// scripts/bench-card-read and collates every area's rows into one table;
/// these check that step on recorded output, without running a benchmark.
@Suite("sscard-bench all: reading and collating sub-tables")
struct BenchmarkCollationTests {
    /// scripts/bench-card-read 400, as printed (figures of docs/benchmark-card.md).
    static let cardRead = """
        iterations per measurement: 400 (10 alternating chunks)

        T=0: 14 APDUs per identity read (14 commands)
          sscard  read  median 1.661 ms  p90 2.602 ms
          sscard same APDUs, no decoding  median 1.590 ms  p90 2.511 ms
          pyscard read  median 3.193 ms  p90 5.803 ms
          one APDU round trip median 0.112 ms  p90 0.170 ms
          SCardConnect median 0.109 ms
          decoding alone (CardIdentity from received responses) median 0.059 ms
          floor = 14 x RTT = 1.571 ms; plus SCardConnect 1.680 ms
          sscard / pyscard = 0.520
          sscard / floor = 1.057; / (floor + connect) = 0.989
          sscard transport only / (floor + connect) = 0.946
          first read after the insert event: 4.420 ms
          read - transport: 0.071 ms

        T=1: 13 APDUs per identity read (13 commands)
          sscard  read  median 1.609 ms  p90 2.590 ms
          sscard same APDUs, no decoding  median 1.548 ms  p90 2.480 ms
          pyscard read  median 3.588 ms  p90 6.917 ms
          one APDU round trip median 0.123 ms  p90 0.181 ms
          SCardConnect median 0.125 ms
          decoding alone (CardIdentity from received responses) median 0.056 ms
          floor = 13 x RTT = 1.605 ms; plus SCardConnect 1.730 ms
          sscard / pyscard = 0.448
          sscard / floor = 1.002; / (floor + connect) = 0.930
          sscard transport only / (floor + connect) = 0.895
          first read after the insert event: 3.910 ms
          read - transport: 0.061 ms
        """

    @Test("both protocol blocks of the card summary are read, medians and floors included")
    func parsesCardRead() throws {
        let figures = try CardReadReport.parse(Self.cardRead)
        #expect(figures == [
            .init(protocolName: "T=0", apdus: 14, sscardMedian: 1.661, sscardP90: 2.602, pyscardMedian: 3.193,
                  pyscardP90: 5.803, floor: 1.571, floorWithConnect: 1.680),
            .init(protocolName: "T=1", apdus: 13, sscardMedian: 1.609, sscardP90: 2.590, pyscardMedian: 3.588,
                  pyscardP90: 6.917, floor: 1.605, floorWithConnect: 1.730),
        ])
    }

    @Test("each protocol gives a row against pyscard and one against the APDU floor, with ratio and verdict")
    func cardReadRows() throws {
        let rows = CardReadReport.table(try CardReadReport.parse(Self.cardRead)).rows
        #expect(rows.map(\.ratio) == ["0.52×", "1.06×", "0.45×", "1.00×"])
        #expect(rows.map(\.met) == [true, true, true, true])
        #expect(rows[0].sscard == "1.661 / 2.602")
        #expect(rows[0].comparison.hasPrefix("3.193 / 5.803 pyscard"))
        #expect(rows[1].comparison.hasPrefix("1.571 = 14 ×"))
        // Slower than pyscard is a miss, not a pass.
        let slow = CardReadReport.table([.init(protocolName: "T=0", apdus: 14, sscardMedian: 4, sscardP90: 5,
                                               pyscardMedian: 3, pyscardP90: 4, floor: 3, floorWithConnect: 3.2)])
        #expect(slow.rows.map(\.met) == [false, false])
    }

    @Test("a summary missing a line is refused with what is missing, not read as zero")
    func refusesIncompleteSummary() {
        let withoutPyscard = Self.cardRead.split(separator: "\n").filter { !$0.contains("pyscard read") }.joined(separator: "\n")
        let missing = #expect(throws: CardReadReport.ParseError.self) { try CardReadReport.parse(withoutPyscard) }
        #expect(missing?.description.contains("pyscard read") == true && missing?.description.contains("T=0") == true)
        let empty = #expect(throws: CardReadReport.ParseError.self) { try CardReadReport.parse("pcscd did not start\n") }
        #expect(empty?.description.contains("protocol block") == true)
        let truncated = Self.cardRead.replacingOccurrences(of: "floor = 13 x RTT = 1.605 ms; plus SCardConnect 1.730 ms",
                                                           with: "floor = 13 x RTT =")
        let short = #expect(throws: CardReadReport.ParseError.self) { try CardReadReport.parse(truncated) }
        #expect(short?.description.contains("T=1") == true)
    }

    @Test("rows keep their area; a row with no ratio is set aside; no target shows no verdict")
    func collates() {
        var registry = BenchmarkTable()
        registry.add("open registry (ms)", sscard: "10.05", comparison: "1.01 plain open", ratio: "9.9×",
                     target: "≤ 100 ms", met: true)
        registry.add("status cache warm-up (s)", sscard: "3.1 s", comparison: "RSS +130 MiB", ratio: "–",
                     target: "open not delayed", met: true)
        registry.add("durable mutations, 1 writer", sscard: "748 /s", comparison: "1170 /s plain", ratio: "0.64×",
                     target: "≥ 5,000/s", met: false)
        var groupCommit = BenchmarkTable()
        groupCommit.add("group commit vs one transaction per call", sscard: "2615 /s", comparison: "466 /s maxBatch 1",
                        ratio: "5.60×", target: CombinedTable.noTarget, met: true)
        var table = CombinedTable()
        table.add(area: "registry", registry)
        table.add(area: "group commit", groupCommit)

        #expect(table.rows.map(\.area) == ["registry", "registry", "group commit"])
        #expect(table.rows.map(\.met) == [true, false, nil])
        #expect(table.setAside == ["registry: status cache warm-up (s)"])
        #expect(!table.allTargetsMet)
        #expect(table.verdict.contains("3 figures") && table.verdict.contains("1 targets met")
                    && table.verdict.contains("1 missed") && table.verdict.contains("1 without a target"))

        let lines = table.render().split(separator: "\n")
        #expect(lines.count == 2 + 3)
        #expect(lines[0].contains("area") && lines[0].contains("comparison (same run)"))
        // Every line has the same cells, and the same width, so it reads in a terminal too.
        #expect(Set(lines.map { $0.count { $0 == "|" } }) == [8])
        #expect(Set(lines.map(\.count)).count == 1)
        #expect(lines[3].hasSuffix("| NO  |"))
        #expect(lines[4].contains("| –  ") && lines[4].hasSuffix("| –   |"))
    }
}
