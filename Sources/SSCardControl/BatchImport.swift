import Foundation
import SSCardInterfaces
import SSCardValues
import Varlink

/// `sscardctl import-batch FILE`: sends a production batch file to sscardd
/// in an import session — the text in pieces that fit the daemon's message
/// limit, cut at line ends — and commits it; the daemon checks every row and
/// applies all or none. The file must be UTF-8 (checked here first, with the
/// byte offset of the first bad byte). Progress goes to stderr: a bar on a
/// terminal, a line each tenth otherwise.
enum BatchImport {
    static let options: Set<String> = ["chunk-bytes"]
    /// Well under the default max-message-bytes (65,536) after JSON escaping.
    static let defaultChunkBytes = 32_768

    static func run(_ arguments: Arguments, client: VarlinkClient, labels: Labels) throws -> ExitCode {
        let path = try arguments.word(1, "batch file")
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read \(path)") }
        let bytes = [UInt8](data)
        if let bad = UTF8Validation.firstInvalid(bytes) {
            FileHandle.standardError.write(Data("sscardctl: \(path): line \(bad.line): not UTF-8 at byte \(bad.offset)\n".utf8))
            return .usage
        }
        var limit = defaultChunkBytes
        if let given = arguments.option("chunk-bytes") {
            guard let number = Int(given), number >= 256 else { throw UsageError("--chunk-bytes must be a number of at least 256") }
            limit = number
        }
        let started = ContinuousClock.now
        let chunks = pieces(String(decoding: bytes, as: UTF8.self), limit: limit)
        let begun = try client.call(RegistryMethod.beginBatchImport.name, .fields([:]))
        guard let session = begun[.session]?.string else { throw UsageError("sscardd did not open an import session") }
        var sent = 0
        let progress = Progress(total: bytes.count)
        do {
            for chunk in chunks {
                _ = try client.call(RegistryMethod.addBatchText.name, .fields([.session: .string(session), .text: .string(chunk)]))
                sent += chunk.utf8.count
                progress.show(sent)
            }
            progress.finish("applying \(path)…")
            let reply = try client.call(RegistryMethod.commitBatchImport.name, .fields([.session: .string(session)]))
            progress.finish(nil)
            if arguments.flag("json") {
                print(reply.description)
            } else {
                print(summary(reply[.batch]?.object ?? [:], elapsed: ContinuousClock.now - started, labels: labels))
            }
            return .success
        } catch let error as VarlinkError where error.is(.batchRejected) {
            progress.finish(nil)
            guard !arguments.flag("json") else { throw error }
            let problems = (error.parameters[.problems]?.array ?? []).compactMap(\.object)
            for problem in problems {
                let field = problem[.field]?.string.map { ", \($0)" } ?? ""
                let value = problem[.value]?.string.map { " (\($0))" } ?? ""
                let line = "line \(problem[.line]?.int ?? 0)\(field): \(problem[.reason]?.string ?? "")\(value)"
                FileHandle.standardError.write(Data("  \(PrintableText.escaped(line))\n".utf8))
            }
            throw error
        } catch {
            progress.finish(nil)
            // The session ends with the connection's idle expiry anyway; say so to the daemon now.
            _ = try? client.call(RegistryMethod.abortBatchImport.name, .fields([.session: .string(session)]))
            throw error
        }
    }

    /// The text in pieces of at most `limit` bytes once JSON-escaped, cut
    /// after a line end where one is near (any UTF-8 character boundary otherwise).
    static func pieces(_ text: String, limit: Int) -> [String] {
        var pieces: [String] = []
        var current = ""
        var size = 0
        for character in text {
            let cost = character.utf8.count + (character == "\"" || character == "\\" || character.isNewline ? 1 : 0)
                + (character.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\r" } ? 5 : 0)
            if size + cost > limit, !current.isEmpty {
                if let cut = current.lastIndex(of: "\n"), current.distance(from: current.startIndex, to: cut) > current.count / 2 {
                    let after = current.index(after: cut)
                    pieces.append(String(current[..<after]))
                    current = String(current[after...])
                    size = current.utf8.count + current.filter { $0 == "\"" || $0 == "\\" || $0.isNewline }.count
                } else {
                    pieces.append(current)
                    current = ""
                    size = 0
                }
            }
            current.append(character)
            size += cost
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    static func summary(_ batch: [String: JSONValue], elapsed: Duration, labels: Labels) -> String {
        let id = batch[.batchId]?.string ?? ""
        let rows = batch[.rows]?.int ?? 0
        if batch[.alreadyImported]?.bool == true {
            return labels.chinese
                ? "批次 \(id) 已于 \(batch[.importedAt]?.string ?? "") 导入（\(rows) 行），内容相同：本次未作改动"
                : "batch \(id) was imported at \(batch[.importedAt]?.string ?? "") (\(rows) rows) with the same content: nothing changed"
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let time = String(format: "%.1f", seconds)
        let held = batch[.writerHeldMs]?.int.map { "\($0) ms" } ?? "-"
        return labels.chinese
            ? "批次 \(id) 已导入：\(rows) 行，\(rows) 个申领进入“已制卡”；用时 \(time) 秒（登记库写入占用 \(held)）\n摘要 \(batch[.digest]?.string ?? "")"
            : "batch \(id) imported: \(rows) rows, \(rows) applications now produced; \(time) s (registry writer held \(held))\n"
                + "digest \(batch[.digest]?.string ?? "")"
    }

    /// Progress on stderr: a redrawn bar on a terminal, a line at each tenth otherwise.
    final class Progress {
        let total: Int
        let terminal = isatty(STDERR_FILENO) == 1
        var lastTenth = -1

        init(total: Int) { self.total = total }

        func show(_ sent: Int) {
            let fraction = total == 0 ? 1 : Double(sent) / Double(total)
            if terminal {
                let width = 30
                let filled = Int(fraction * Double(width))
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                write("\r\u{1B}[K[\(bar)] \(Int(fraction * 100))% sent (\(sent)/\(total) bytes)")
            } else if Int(fraction * 10) > lastTenth {
                lastTenth = Int(fraction * 10)
                write("sent \(sent) of \(total) bytes\n")
            }
        }

        /// Clears the bar (a terminal) and shows `message`, if any, on its own.
        func finish(_ message: String?) {
            if terminal { write("\r\u{1B}[K") }
            if let message { write(terminal ? message : message + "\n") }
        }

        private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
    }
}
