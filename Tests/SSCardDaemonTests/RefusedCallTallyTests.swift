import Foundation
import SSCardInterfaces
import SSCardRig
import Registry
import Testing
@testable import SSCardDaemon

/// No peer grows the audit trail one durable write per refused call: its
/// first refusal in a minute is recorded, the rest counted.
@Suite("sscardd: refused calls, counted per uid and minute", .serialized)
struct RefusedCallTallyTests {
    let nobody = Actor(id: "uid:7", role: .none, channel: .counter, servicePoint: "test")
    let kiosk = Actor(id: "kiosk-3", role: .kiosk, channel: .kiosk, servicePoint: "test")

    @Test func theFirstInAMinuteIsRecordedTheRestCountedIntoOneSummary() {
        let tally = RefusedCallTally()
        let start = ContinuousClock.now
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(tally.note(uid: 7, actor: nobody, method: "GetStatus", now: start, date: date).0 == .recordAttempt)
        #expect(tally.note(uid: 8, actor: kiosk, method: "Seal", now: start, date: date).0 == .recordAttempt, "per uid")
        for second in 1...30 {
            let (decision, ended) = tally.note(uid: 7, actor: nobody, method: second.isMultiple(of: 2) ? "GetStatus" : "History",
                                               now: start + .seconds(second), date: date + Double(second))
            #expect(decision == .counted)
            #expect(ended.isEmpty)
        }
        // The minute is over: the next refusal is recorded again, and the ended
        // minutes come back as summaries (uid 8 had nothing beyond its first).
        let (decision, ended) = tally.note(uid: 7, actor: nobody, method: "GetStatus", now: start + .seconds(61), date: date + 61)
        #expect(decision == .recordAttempt)
        #expect(ended == [RefusedCallTally.Summary(uid: 7, actor: nobody, count: 30, methods: ["GetStatus", "History"],
                                                   from: date, to: date + 30)])
        #expect(tally.drain().isEmpty, "the new minute has nothing beyond its first yet")
    }

    @Test("a minute that ended is handed to the periodic write without waiting for another refusal")
    func endedMinutesAreTakenWithoutAnotherRefusal() {
        let tally = RefusedCallTally()
        let start = ContinuousClock.now
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        _ = tally.note(uid: 7, actor: nobody, method: "GetStatus", now: start, date: date)
        _ = tally.note(uid: 7, actor: nobody, method: "History", now: start + .seconds(5), date: date + 5)
        _ = tally.note(uid: 8, actor: kiosk, method: "Seal", now: start + .seconds(30), date: date + 30)
        _ = tally.note(uid: 8, actor: kiosk, method: "Seal", now: start + .seconds(31), date: date + 31)
        #expect(tally.ended(now: start + .seconds(59)).isEmpty, "no minute has ended")
        #expect(tally.ended(now: start + .seconds(60)) == [RefusedCallTally.Summary(uid: 7, actor: nobody, count: 1,
                                                                                   methods: ["History"], from: date, to: date + 5)])
        #expect(tally.ended(now: start + .seconds(61)).isEmpty, "taken once")
        #expect(tally.ended(now: start + .seconds(90)).map(\.uid) == [8])
        #expect(tally.drain().isEmpty)
    }

    @Test("a summary is written as the peer was at its first refusal, and says its role")
    func summaryNamesTheRole() {
        let tally = RefusedCallTally()
        let start = ContinuousClock.now
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        _ = tally.note(uid: 9, actor: kiosk, method: "ReadCard", now: start, date: date)
        _ = tally.note(uid: 9, actor: kiosk, method: "GetStatus", now: start + .seconds(1), date: date + 1)
        let summaries = tally.drain()
        #expect(summaries.map(\.actor) == [kiosk])
        #expect(summaries.first?.reason.hasPrefix("1 more call(s) refused to a peer with role kiosk") == true)
    }

    @Test("as a process: thirty refused calls are one refused attempt and one summary entry, not thirty writes")
    func aFloodOfRefusalsIsTwoEntries() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(46, client: client)
        let uid = DaemonRig.otherUid
        for _ in 0..<30 {
            let refused = try rig.sscardctl(["status", "--card", number], uid: uid, groups: [])
            #expect(refused.code == 4)
        }
        let trail = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))[.entries]?.array ?? []
        let attempts = trail.filter { $0[.actor]?.string == "uid:\(uid)" && $0[.outcome]?.string == "refused" }
        #expect(attempts.count == 1, "\(attempts)")
        client.close()
        #expect(rig.stop() == 0)
        // The stop wrote the count of the minute in progress.
        let rows = try runToEnd("/usr/bin/sqlite3", [rig.stateDirectory + "/registry.sqlite",
                                                     "SELECT action, reason FROM audit WHERE actor = 'uid:\(uid)'"])
        let lines = rows.output.split(separator: "\n")
        #expect(lines.count == 2, "\(rows.output)")
        #expect(lines.contains { $0.hasPrefix("refusedCalls|29 more call(s) refused to a peer with no role") }, "\(rows.output)")
    }
}
