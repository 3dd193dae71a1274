import Foundation
import SSCardInterfaces
import Varlink

/// Events from background threads for the UI loop: a locked queue plus a
/// pipe whose read end the loop polls together with the terminal.
final class EventInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [KioskEvent] = []
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    init() {
        var descriptors: [Int32] = [-1, -1]
        if pipe(&descriptors) != 0 { fatalError("sscard-kiosk: pipe: \(String(cString: strerror(errno)))") }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    func post(_ event: KioskEvent) {
        lock.withLock { events.append(event) }
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)  // a full pipe already means "wake up"
    }

    func drain() -> [KioskEvent] {
        var scratch = [UInt8](repeating: 0, count: 256)
        while read(readDescriptor, &scratch, scratch.count) > 0 {}
        return lock.withLock {
            defer { events.removeAll() }
            return events
        }
    }
}

/// The kiosk's side of sscardd: a thread that keeps org.sscard.Reader.Monitor
/// streaming (reconnecting with backoff), and a thread that makes the state
/// machine's calls one at a time. Both post their results to the inbox.
/// Only the socket: the kiosk never opens PC/SC itself.
final class DaemonLink: @unchecked Sendable {
    let socketPath: String
    let inbox: EventInbox
    private let condition = NSCondition()
    private var pending: [KioskEffect] = []

    init(socketPath: String, inbox: EventInbox) {
        self.socketPath = socketPath
        self.inbox = inbox
    }

    func start() {
        let monitor = Thread { [self] in monitorLoop() }
        monitor.name = "kiosk-monitor"
        monitor.start()
        let worker = Thread { [self] in workerLoop() }
        worker.name = "kiosk-calls"
        worker.start()
    }

    func perform(_ effects: [KioskEffect]) {
        guard !effects.isEmpty else { return }
        condition.withLock {
            pending.append(contentsOf: effects)
            condition.signal()
        }
    }

    // MARK: Monitor

    /// Keeps one Monitor stream at a time, reconnecting with backoff. The
    /// stream itself is `followMonitor`, out of this loop: with a client's
    /// creation, stream and release inside this loop, the release build's
    /// loop-invariant code motion does not finish (docs/internals.md,
    /// "The release build").
    private func monitorLoop() {
        var delay = 0.25
        var wasUp: Bool?
        while true {
            let announced = followMonitor(quiet: wasUp == false)
            if announced {
                wasUp = true
                delay = 0.25
            }
            if wasUp != false { inbox.post(.disconnected) }
            wasUp = false
            Thread.sleep(forTimeInterval: delay)
            delay = min(delay * 2, 10)
        }
    }

    /// Follows one Monitor stream until it ends; true if sscardd answered it.
    /// `quiet` leaves a failure to connect unlogged (the daemon was already down).
    /// Never inlined: inlined back into `monitorLoop`, the client's whole life
    /// would again sit inside the reconnect loop, where Swift 6.3's LICM pass
    /// does not finish (docs/internals.md, "The release build").
    @inline(never)
    private func followMonitor(quiet: Bool) -> Bool {
        var announced = false
        do {
            let client = try VarlinkClient(path: socketPath, timeout: nil)
            try client.stream(ReaderMethod.monitor.name) { [inbox] reply in
                if !announced {
                    // The first reply proves the daemon serves this kiosk.
                    announced = true
                    inbox.post(.connected)
                    KioskLog.notice("connected to sscardd at \(self.socketPath)")
                }
                if let event = Self.event(reply) { inbox.post(event) }
                return true
            }
        } catch {
            if !quiet || announced {
                KioskLog.warning("sscardd unavailable at \(socketPath): \(Self.describe(error))")
            }
        }
        return announced
    }

    /// A Monitor reply as a kiosk event; nil for events the kiosk ignores.
    static func event(_ reply: JSONValue) -> KioskEvent? {
        guard let reader = reply[.reader]?.string else { return nil }
        switch reply[.event]?.string {
        case "cardInserted":
            guard let identity = reply[.identity], let cardNumber = identity[.cardNumber]?.string,
                  let name = identity[.name]?.string
            else { return .cardInserted(reader: reader, holder: nil) }
            return .cardInserted(reader: reader, holder: CardHolder(reader: reader, cardNumber: cardNumber, name: name,
                                                                    ssn: identity[.ssn]?.string ?? ""))
        case "cardRemoved": return .cardRemoved(reader: reader)
        case "readerDetached": return .readerDetached(reader: reader)
        default: return nil
        }
    }

    // MARK: Calls

    private func workerLoop() {
        while true {
            var effect = condition.withLock {
                while pending.isEmpty { condition.wait() }
                return pending.removeFirst()
            }
            let (session, operation, result) = run(&effect)
            inbox.post(.reply(session: session, operation, result))
        }
    }

    private func run(_ effect: inout KioskEffect) -> (Int, Operation, Result<CallReply, Notice>) {
        switch effect {
        case let .fetchStatus(session, reader, then):
            return (session, then, call { client in
                try client.call(RegistryMethod.getStatus.name, .fields([.reader: .string(reader)]))
            })
        case let .reportLoss(session, reader, _, _, continues):
            // By reader: sscardd reads the card itself, so the kiosk sends (and
            // is shown) no full card number or name.
            return (session, .temporaryLoss, call { client in
                try client.call(RegistryMethod.reportLoss.name,
                                .fields([.kind: "temporary", .reader: .string(reader),
                                         .electronicCredentialContinues: .bool(continues)]))
            })
        case let .fetchProgress(session, reader):
            return (session, .progress, call { client in
                try client.call(RegistryMethod.getStatus.name, .fields([.reader: .string(reader)]))
            })
        case let .activate(session, reader):
            return (session, .activate, call { client in
                try client.call(RegistryMethod.activate.name, .fields([.reader: .string(reader)]))
            })
        case .changePassword(let session, let reader, var oldPin, var newPin):
            // Drop the effect's own references, then wipe the digits whatever happens.
            effect = .activate(session: session, reader: reader)
            defer {
                oldPin.wipe()
                newPin.wipe()
            }
            return (session, .changePassword, Self.outcome {
                try SecretCall.call(socketPath: socketPath, method: RegistryMethod.changePassword.name,
                                    plain: [WireKey.reader.rawValue: .string(reader)],
                                    secrets: [(WireKey.oldPin.rawValue, oldPin), (WireKey.newPin.rawValue, newPin)])
            })
        }
    }

    private func call(_ body: (VarlinkClient) throws -> JSONValue) -> Result<CallReply, Notice> {
        Self.outcome {
            let client = try VarlinkClient(path: socketPath, timeout: .seconds(30))
            defer { client.close() }
            return try body(client)
        }
    }

    /// A call's reply as the state machine's result; every error becomes a notice.
    static func outcome(_ body: () throws -> JSONValue) -> Result<CallReply, Notice> {
        do {
            let reply = try body()
            guard let card = reply[.card], let cardNumber = card[.cardNumber]?.string,
                  let state = card[.state]?.string
            else { return .failure(.failed) }
            var reminder: Reminder?
            if let zh = reply[.reminder]?[.zh]?.string, let en = reply[.reminder]?[.en]?.string {
                reminder = Reminder(zh: zh, en: en)
            }
            let applications = (reply[.applications]?.array ?? []).compactMap(progress)
            return .success(CallReply(status: CardStatus(cardNumber: cardNumber, state: state,
                                                         previousState: card[.previousState]?.string,
                                                         lossExpiresAt: card[.lossExpiresAt]?.string),
                                      reminder: reminder, applications: applications))
        } catch let error as VarlinkError {
            KioskLog.info("call refused: \(error.name)")
            return .failure(KioskText.notice(for: error))
        } catch {
            KioskLog.warning("call failed: \(describe(error))")
            return .failure(.serviceUnavailable)
        }
    }

    /// An application in GetStatus's reply as the holder's progress line.
    static func progress(_ application: JSONValue) -> ProductionProgress? {
        guard let kind = application[.kind]?.string, let stage = application[.stage]?.string else { return nil }
        let delivery = application[.delivery]
        return ProductionProgress(kind: kind, stage: stage, expectedDate: application[.expectedDate]?.string,
                                  collectAt: delivery?[.kind]?.string == "collect" ? delivery?[.place]?.string : nil)
    }

    static func describe(_ error: Error) -> String {
        if let error = error as? VarlinkError { return error.name }
        return String(describing: error)
    }
}
