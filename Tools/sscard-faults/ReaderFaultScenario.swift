import Foundation
import Glibc
import SSCardInterfaces
import SSCardRig
import Varlink

/// Section 4 of the fault runs: readers and cards misbehaving under a running
/// sscardd. pcscd is killed and restarted, cards leave, vanish in the middle
/// of a read or answer garbage, and then come and go a thousand times while
/// clients keep calling; sscardd must keep serving and hold its memory.
enum ReaderFaultScenario {
    static let scenario = FaultScenario(
        name: "readers",
        summary: "pcscd restart, card removal, card yanked mid-read, garbage replies, 1,000 insert/remove cycles",
        run: run)

    static let reader = PCSCRig.reader0
    static let read = ReaderMethod.readCard.name

    static func run(_ options: FaultOptions) throws -> [FaultCheck] {
        let rig = try DaemonRig()
        let run = try Run(rig: rig, holder: FaultHolder(index: 1))
        try run.holder.issue(run.client)
        run.part("pcscd restart") { try run.pcscdRestart() }
        run.part("card removed") { try run.cardRemoved() }
        run.part("card yanked mid-read") { try run.yankedMidRead() }
        run.part("garbage replies") { try run.garbage() }
        run.part("insert/remove cycles") {
            try run.cycles(options.integer("readers.cycles", full: 1000, quick: 100))
        }
        let alive = rig.daemon?.isRunning == true
        run.check("sscardd still running", alive, alive ? "pid \(rig.daemon!.pid)" : "exited")
        return run.checks
    }

    /// The state one run shares between its parts.
    final class Run {
        let rig: DaemonRig
        let holder: FaultHolder
        let client: VarlinkClient
        var checks: [FaultCheck] = []

        init(rig: DaemonRig, holder: FaultHolder) throws {
            self.rig = rig
            self.holder = holder
            client = try VarlinkClient(path: rig.socketPath)
        }

        func check(_ name: String, _ passed: Bool, _ figure: String) {
            checks.append(FaultCheck(scenario: "readers", check: name, passed: passed, figure: figure))
            FileHandle.standardError.write(Data("   \(passed ? "pass" : "FAIL") \(name): \(figure)\n".utf8))
        }

        /// Runs one part; an error it throws fails that part only, and the
        /// daemon's and pcscd's logs so far are kept for a post-mortem.
        func part(_ name: String, _ body: () throws -> Void) {
            do {
                try body()
            } catch {
                check(name + ": ran to the end", false, "\(error); logs kept in \(keepLogs())")
            }
        }

        /// Copies the sscardd, pcscd and virtual card logs (the rig deletes its
        /// directories when it ends) to a directory of their own.
        func keepLogs() -> String {
            let kept = NSTemporaryDirectory() + "sscard-faults-readers-\(getpid())-\(checks.count)"
            try? FileManager.default.createDirectory(atPath: kept, withIntermediateDirectories: true)
            for directory in [rig.directory, PCSCRig.shared.directory] {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasSuffix(".log") {
                    try? FileManager.default.copyItem(atPath: directory + "/" + name, toPath: kept + "/" + name)
                }
            }
            return kept
        }

        /// Inserts a card with `faults` and waits for the Monitor's insertion
        /// event (the daemon reads the card then).
        func insert(_ watch: EventWatch, faults: String? = nil, name: String = "card") throws -> (ChildProcess, JSONValue) {
            let card = try PCSCRig.shared.insertCards([(0, holder.profile(faults: faults))], name: name)
            let event = try watch.next("cardInserted", reader: reader) { $0[.identity] != nil || $0[.readError] != nil }
            return (card, event)
        }

        func remove(_ card: ChildProcess, _ watch: EventWatch) throws {
            card.terminate()
            try watch.next("cardRemoved", reader: reader)
        }

        /// The error name a call fails with, or nil when it succeeds.
        func failure(_ method: String, _ parameters: JSONValue = [:]) -> VarlinkError? {
            do {
                _ = try client.call(method, parameters)
                return nil
            } catch let error as VarlinkError {
                return error
            } catch {
                return VarlinkError("transport", .fields([.reason: .string("\(error)")]))
            }
        }

        func readsHolder() throws -> Bool {
            try client.call(read, [:])[.identity]?[.cardNumber]?.string == holder.cardNumber
        }

        // MARK: Parts

        /// pcscd killed under a running sscardd: the Monitor reports the
        /// readers gone, registry calls still work, reader calls say the
        /// readers are unavailable; pcscd back: readers and card reported
        /// again, and ReadCard works without restarting sscardd.
        func pcscdRestart() throws {
            let watch = try EventWatch(socketPath: rig.socketPath)
            let (card, _) = try insert(watch)
            defer { card.terminate() }
            let linesBefore = card.lineCount
            let stopped = ContinuousClock.now
            PCSCRig.shared.stop()
            try watch.next("readerDetached", reader: reader)
            let detached = ContinuousClock.now - stopped
            let status = failure(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(holder.cardNumber)]))
            check("pcscd down: registry keeps serving", status == nil, status.map { "\($0)" } ?? "GetStatus answered")
            let readDown = failure(read)
            let listDown = failure(ReaderMethod.listReaders.name)
            check("pcscd down: ReadCard and ListReaders say ReaderUnavailable",
                  readDown?.name == ReaderErrorName.readerUnavailable.name
                      && listDown?.name == ReaderErrorName.readerUnavailable.name,
                  "\(readDown?.name ?? "ReadCard answered"), \(listDown?.name ?? "ListReaders answered")")
            let restarted = ContinuousClock.now
            try PCSCRig.shared.start()
            try card.waitForLine(containing: "ready port \(PCSCRig.shared.port)", after: linesBefore)
            try watch.next("readerAttached", reader: reader)
            let event = try watch.next("cardInserted", reader: reader)
            let back = ContinuousClock.now - restarted
            check("pcscd restart: Monitor reports readers detached and back, card re-read",
                  event[.identity]?[.cardNumber]?.string == holder.cardNumber,
                  "detached after \(milliseconds(detached)), card back \(milliseconds(back)) after restart")
            let readBack = try readsHolder()
            check("pcscd restart: ReadCard works again", readBack, readBack ? "identity read" : "wrong identity")
        }

        /// The card taken out (its virtual card process exits): reported
        /// removed, the reader stays listed empty, ReadCard says no card.
        func cardRemoved() throws {
            let watch = try EventWatch(socketPath: rig.socketPath)
            let (card, _) = try insert(watch)
            try remove(card, watch)
            let readers = try client.call(ReaderMethod.listReaders.name)[.readers]?.array ?? []
            let entry = readers.first { $0[.name]?.string == reader }
            let error = failure(read, .fields([.reader: .string(reader)]))
            check("card removed: Monitor cardRemoved, reader listed empty, ReadCard NoCardInReader",
                  entry?[.cardPresent]?.bool == false && error?.name == ReaderErrorName.noCardInReader.name,
                  "\(readers.count) readers listed, ReadCard: \(error?.name ?? "answered")")
        }

        /// The card vanishes on the 20th APDU: the daemon's own read at
        /// insertion takes 13 (SELECT and 12 READ RECORDs on T=1), so the
        /// client's ReadCard is cut off at its 7th command.
        func yankedMidRead() throws {
            let watch = try EventWatch(socketPath: rig.socketPath)
            let (card, inserted) = try insert(watch, faults: "\"vanishAfterAPDUs\": 20", name: "yanked")
            defer { card.terminate() }
            let error = failure(read)
            try card.waitForLine(containing: "vanished port")
            try watch.next("cardRemoved", reader: reader)
            let reason = error?.parameters[.reason]?.string ?? ""
            let named = error?.name == ReaderErrorName.cardFailed.name && reason.contains("READ RECORD")
                || error?.name == ReaderErrorName.noCardInReader.name
            check("card yanked mid-read: a typed error naming the command, then cardRemoved",
                  inserted[.identity] != nil && named,
                  "\(error?.name ?? "ReadCard answered"): \(reason)")
            let (good, _) = try insert(watch, name: "after-yank")
            defer { good.terminate() }
            let next = try readsHolder()
            try remove(good, watch)
            check("card yanked mid-read: the next card reads fine", next, next ? "identity read" : "wrong identity")
        }

        /// Cards answering garbage: each read fails with CardFailed naming
        /// the file and tag, the Monitor event carries the same reason, and
        /// a good card afterwards reads fine.
        func garbage() throws {
            let watch = try EventWatch(socketPath: rig.socketPath)
            let modes = [
                ("random values", "\"garbageRecords\": \"random\", \"seed\": 7"),
                ("truncated records", "\"garbageRecords\": \"truncated\""),
                ("wrong TLV tag", "\"garbageRecords\": \"wrongTag\""),
                ("status word 6F00", "\"recordStatus\": \"6F00\""),
            ]
            for (label, faults) in modes {
                let (card, inserted) = try insert(watch, faults: faults, name: "garbage")
                let error = failure(read)
                try remove(card, watch)
                let reason = error?.parameters[.reason]?.string ?? ""
                let namesField = reason.contains("EF05 tag") || reason.contains("EF06 tag")
                check("garbage (\(label)): CardFailed naming the field",
                      error?.name == ReaderErrorName.cardFailed.name && namesField && inserted[.readError] != nil
                          && !reason.contains(holder.ssn) && !reason.contains(holder.name),
                      "\(error?.name ?? "ReadCard answered"): \(reason)")
            }
            let (good, _) = try insert(watch, name: "after-garbage")
            let next = try readsHolder()
            try remove(good, watch)
            check("garbage: the next card reads fine", next, next ? "identity read" : "wrong identity")
        }

        /// `count` insertions and removals (both slots at once, so half as
        /// many rounds), each seen by the Monitor with the card read, while
        /// two clients keep calling GetStatus and ListReaders. RSS and
        /// descriptors are compared between the end of the warm-up (the first
        /// tenth) and the end, at the same point of a round (cards out,
        /// removals reported).
        func cycles(_ count: Int) throws {
            let watch = try EventWatch(socketPath: rig.socketPath)
            let number = holder.cardNumber
            let status = ClientLoop(name: "GetStatus", socketPath: rig.socketPath) { client, _ in
                let reply = try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))
                guard reply[.card]?[.cardNumber]?.string == number else { throw ProbeError.unexpected("GetStatus: \(reply)") }
            }
            let list = ClientLoop(name: "ListReaders", socketPath: rig.socketPath) { client, _ in
                let reply = try client.call(ReaderMethod.listReaders.name)
                guard reply[.readers]?.array?.isEmpty == false else { throw ProbeError.unexpected("ListReaders: \(reply)") }
            }
            status.start()
            list.start()
            defer {
                status.stop()
                list.stop()
            }
            guard let pid = rig.daemon?.pid else { throw ProbeError.unexpected("sscardd not running") }
            try WorkerWarmUp.run(socketPath: rig.socketPath, cardNumber: number)
            let rounds = max(1, count / 2)
            let warmUp = max(1, rounds / 10)
            let readers = [PCSCRig.reader0, PCSCRig.reader1]
            var start: ProcessSample?
            var done = 0
            var unread = 0
            let began = ContinuousClock.now
            for round in 1...rounds {
                let profile = holder.profile()
                do {
                    let cards = try PCSCRig.shared.insertCards([(0, profile), (1, profile)], name: "cycle")
                    for name in readers {
                        let inserted = try watch.next("cardInserted", reader: name)
                        if inserted[.identity]?[.cardNumber]?.string != number { unread += 1 }
                    }
                    cards.terminate()
                    for name in readers { try watch.next("cardRemoved", reader: name) }
                } catch {
                    throw ProbeError.unexpected("round \(round) of \(rounds): \(error)")
                }
                done += 2
                if round == warmUp { start = try ProcessSample.of(pid) }
            }
            let end = try ProcessSample.of(pid)
            let elapsed = ContinuousClock.now - began
            status.stop()
            list.stop()
            let calls = summary([status, list])
            check("cycles: every insertion and removal reported, card read",
                  done == rounds * 2 && unread == 0,
                  "\(done) cycles (2 slots × \(rounds)) in \(seconds(elapsed)), \(unread) unread")
            check("cycles: clients served throughout", calls.failures == 0 && status.calls > 0 && list.calls > 0,
                  "\(status.calls) GetStatus + \(list.calls) ListReaders, \(calls.failures) failed "
                      + calls.samples.joined(separator: "; "))
            guard let start else { return }
            let growth = end.rssKiB - start.rssKiB
            check("cycles: RSS growth after warm-up ≤ 1 MiB", growth <= 1024,
                  "RSS \(start.rssKiB) → \(end.rssKiB) KiB (\(growth >= 0 ? "+" : "")\(growth)) from cycle \(warmUp * 2)")
            check("cycles: no descriptor growth", end.descriptors <= start.descriptors,
                  "fds \(start.descriptors) → \(end.descriptors) (sockets \(start.sockets) → \(end.sockets))")
        }
    }
}

func milliseconds(_ duration: Duration) -> String { "\(Int(duration / .milliseconds(1))) ms" }
func seconds(_ duration: Duration) -> String { String(format: "%.1f s", Double(duration / .milliseconds(1)) / 1000) }
