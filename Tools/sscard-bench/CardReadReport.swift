import Foundation

/// The card-read figures, from `scripts/bench-card-read`: sscard and pyscard
/// sending the same APDUs through one private pcscd and virtual card, in
/// alternating chunks (docs/benchmark-card.md). The script owns the rig
/// (pcscd, vpcd, sscard-vcard, Python), so it runs as a child process and its
/// summary is read back here.
struct CardReadReport {
    struct ParseError: Error, CustomStringConvertible {
        let missing: String
        var description: String { "scripts/bench-card-read output has no \(missing)" }
    }

    /// Medians and p90s of one protocol's block, in milliseconds.
    struct Figures: Equatable {
        var protocolName: String
        var apdus: Int
        var sscardMedian: Double
        var sscardP90: Double
        var pyscardMedian: Double
        var pyscardP90: Double
        /// APDU count × one APDU's median round trip, without and with SCardConnect.
        var floor: Double
        var floorWithConnect: Double
    }

    var script: String
    var iterations: Int

    /// Runs the script and turns its summary into table rows.
    func run() throws -> BenchmarkTable {
        guard FileManager.default.isExecutableFile(atPath: script) else {
            throw BenchmarkFailure("\(script) not found: run from the checkout (scripts/bench does) or pass --card-script")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = [String(iterations)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkFailure("\(script) exited with status \(process.terminationStatus)")
        }
        return Self.table(try Self.parse(String(decoding: data, as: UTF8.self)))
    }

    /// Reads each protocol's block ("T=0: 14 APDUs per identity read ...")
    /// from the script's summary.
    static func parse(_ text: String) throws -> [Figures] {
        var figures: [Figures] = []
        var lines: [String] = []
        var heading: (name: String, apdus: Int)?
        func finish() throws {
            guard let heading else { return }
            figures.append(try block(heading.name, heading.apdus, lines))
        }
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("T="), let colon = line.firstIndex(of: ":") {
                try finish()
                let name = String(line[..<colon])
                guard let apdus = numbers(in: line[line.index(after: colon)...]).first else {
                    throw ParseError(missing: "APDU count for \(name)")
                }
                heading = (name, Int(apdus))
                lines = []
            } else {
                lines.append(line)
            }
        }
        try finish()
        guard !figures.isEmpty else { throw ParseError(missing: "protocol block (\"T=0: ...\")") }
        return figures
    }

    private static func block(_ name: String, _ apdus: Int, _ lines: [String]) throws -> Figures {
        func values(_ prefix: String, count: Int) throws -> [Double] {
            guard let line = lines.first(where: { $0.hasPrefix(prefix) }) else {
                throw ParseError(missing: "\"\(prefix)\" line for \(name)")
            }
            let found = numbers(in: line.dropFirst(prefix.count))
            guard found.count >= count else { throw ParseError(missing: "\(count) figures in \"\(prefix)\" for \(name)") }
            return found
        }
        let sscard = try values("sscard  read  median", count: 2)
        let pyscard = try values("pyscard read  median", count: 2)
        let floor = try values("floor =", count: 3)  // APDU count, floor, floor + connect
        return Figures(protocolName: name, apdus: apdus, sscardMedian: sscard[0], sscardP90: sscard[1],
                       pyscardMedian: pyscard[0], pyscardP90: pyscard[1], floor: floor[1], floorWithConnect: floor[2])
    }

    /// The numbers standing alone in a piece of text, in order: "1.661 ms  p90 2.602 ms"
    /// gives [1.661, 2.602] (a number glued to letters, like p90, is a label).
    static func numbers(in text: Substring) -> [Double] {
        text.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "=" || $0 == "(" || $0 == ")" })
            .compactMap { Double($0) }
    }

    /// Two rows per protocol: against pyscard, and against the APDU floor.
    static func table(_ figures: [Figures]) -> BenchmarkTable {
        var table = BenchmarkTable()
        for f in figures {
            let ms = { (value: Double) in format(value, 3) }
            let toPyscard = f.sscardMedian / f.pyscardMedian
            table.add("card read \(f.protocolName), \(f.apdus) APDUs, connect → identity (ms median / p90)",
                      sscard: "\(ms(f.sscardMedian)) / \(ms(f.sscardP90))",
                      comparison: "\(ms(f.pyscardMedian)) / \(ms(f.pyscardP90)) pyscard, same APDUs",
                      ratio: format(toPyscard, 2) + "×", target: "≤ 1.0×", met: toPyscard <= 1.0)
            let toFloor = f.sscardMedian / f.floor
            table.add("card read \(f.protocolName) against the APDU floor (ms median)", sscard: ms(f.sscardMedian),
                      comparison: "\(ms(f.floor)) = \(f.apdus) × one APDU's RTT (\(ms(f.floorWithConnect)) with connect)",
                      ratio: format(toFloor, 2) + "×", target: "≤ 1.1×", met: toFloor <= 1.1)
        }
        return table
    }
}
