import Foundation
import PCSC
import Registry
import SocialSecurityCard
import SSCardValues

/// The daemon's readers: one PC/SC context for card operations, owned by one
/// serial queue, and a monitor whose events are fanned out to subscribers
/// with the identity of each inserted card once it has been read.
///
/// pcscd may be down when the daemon starts or restart while it runs; the
/// registry keeps serving meanwhile and reader calls say the readers are
/// unavailable until pcscd is back.
public final class CardReaders: @unchecked Sendable {
    /// A reader event, with the identity read after an insertion (or why it could not be read).
    public struct Event: Sendable {
        public let event: ReaderEvent
        public let identity: CardIdentity?
        public let readError: String?
    }

    public struct Reader: Sendable {
        public let name: String
        public let kind: ReaderKind
        public let cardPresent: Bool
        public let atr: [UInt8]
        public let securePinEntry: Bool
    }

    private let queue = DispatchQueue(label: "sscard.readers")
    private var context: PCSCContext?
    private var monitor: ReaderMonitor?
    private let choice: ReaderChoice
    private let log: Log
    private let subscribers = Observers<Event>()
    private let lock = NSLock()
    private var stopped = false
    /// The last insertion event of each reader holding a card, with the
    /// identity read then: what a new Monitor subscriber is shown first.
    private var inserted: [String: Event] = [:]
    /// Counts each reader's insertions, removals and detachments. An
    /// insertion's read is queued behind other card work while its removal is
    /// published at once, so the read may finish after the card has gone (or
    /// after another card came): it is published and recorded only if no
    /// later event happened on its reader.
    private var generations: [String: UInt64] = [:]
    /// Held while a reader event is checked against `generations` and
    /// published, so subscribers get each reader's events in the order they
    /// happened (a removal never overtakes the insertion it follows).
    private let publishing = NSLock()

    public init(choice: ReaderChoice, log: Log) {
        self.choice = choice
        self.log = log
    }

    /// Starts the monitor; if pcscd cannot be reached yet, keeps trying in the background.
    public func start() {
        queue.async { self.startMonitor(attempt: 0) }
    }

    private func startMonitor(attempt: Int) {
        guard !lock.withLock({ stopped }) else { return }
        do {
            let monitor = try ReaderMonitor()
            monitor.start { [weak self] event in self?.handle(event) }
            lock.withLock { self.monitor = monitor }
            log.info("reader monitor started")
        } catch {
            if attempt == 0 { log.warning("readers unavailable, retrying: \(error)") }
            queue.asyncAfter(deadline: .now() + min(5.0, 0.2 * Double(attempt + 1))) { self.startMonitor(attempt: attempt + 1) }
        }
    }

    public func stop() {
        let monitor = lock.withLock {
            stopped = true
            return self.monitor
        }
        monitor?.stop()
        queue.sync {
            context?.release()
            context = nil
        }
    }

    /// Subscribes to reader events; returns a token for `unsubscribe`.
    public func subscribe(_ body: @escaping @Sendable (Event) -> Void) -> Int { subscribers.add(body) }
    public func unsubscribe(_ token: Int) { subscribers.remove(token) }

    /// Subscribes and returns the cards already in readers, as insertion
    /// events with their identities. Recording an insertion happens before
    /// publishing it, and subscribing before looking at the record, so a new
    /// subscriber sees every card once (at worst twice), never not at all.
    public func subscribe(withCardsPresent body: @escaping @Sendable (Event) -> Void) -> (token: Int, present: [Event]) {
        let token = subscribers.add(body)
        let present = lock.withLock { inserted.sorted { $0.key < $1.key }.map(\.value) }
        return (token, present)
    }

    private func handle(_ event: ReaderEvent) {
        log.info("\(event)")
        switch event {
        case let .cardInserted(reader, _):
            let generation = lock.withLock { advance(reader) }
            readIdentity(event, reader: reader, generation: generation)
        case let .cardRemoved(reader), let .readerDetached(reader):
            publishing.withLock {
                lock.withLock {
                    _ = advance(reader)
                    _ = inserted.removeValue(forKey: reader)
                }
                subscribers.publish(Event(event: event, identity: nil, readError: nil))
            }
        default:
            publishing.withLock { subscribers.publish(Event(event: event, identity: nil, readError: nil)) }
        }
    }

    /// The reader's next generation; call with `lock` held.
    private func advance(_ reader: String) -> UInt64 {
        let next = generations[reader, default: 0] &+ 1
        generations[reader] = next
        return next
    }

    /// Reads the identity on the readers' queue, then records and publishes
    /// the insertion, unless the reader has had another event since.
    private func readIdentity(_ event: ReaderEvent, reader: String, generation: UInt64) {
        queue.async {
            let complete: Event
            do {
                let identity = try self.onQueue(reader: reader) { application, _ in
                    try application.readIdentity()
                }.1
                complete = Event(event: event, identity: identity, readError: nil)
            } catch {
                complete = Event(event: event, identity: nil, readError: String(describing: error))
            }
            self.publishing.withLock {
                let current = self.lock.withLock {
                    guard self.generations[reader] == generation else { return false }
                    self.inserted[reader] = complete
                    return true
                }
                if current {
                    self.subscribers.publish(complete)
                } else {
                    self.log.info("card in \(reader) left before its read finished; its insertion is not reported")
                }
            }
        }
    }

    // MARK: Operations

    public func list(within scope: ReaderScope = .all) throws(ReaderFailure) -> [Reader] {
        try sync { context throws(ReaderFailure) in
            do throws(PCSCError) {
                let names = try context.readers().filter { scope.contains($0) }
                guard !names.isEmpty else { return [] }
                return try context.status(of: names).map { status in
                    Reader(name: status.reader, kind: status.kind, cardPresent: status.cardPresent,
                           atr: status.atr, securePinEntry: false)
                }
            } catch {
                if error == .noReadersAvailable { return [] }
                throw ReaderFailure.pcsc(error, reader: nil)
            }
        }
    }

    /// Runs `body` with the social security application of the card in
    /// `reader` (or of the one card present), on the readers' queue.
    /// Card and PC/SC errors come out as `ReaderFailure`; anything else the
    /// body throws comes out unchanged.
    /// Only readers in `scope` are considered: a reader outside it is
    /// reported as not found.
    public func withCard<T>(reader: String?, within scope: ReaderScope = .all,
                            _ body: (SocialSecurityApplication, CardConnection) throws -> T) throws -> (String, T) {
        let result: Result<(String, T), any Error> = queue.sync {
            Result { try onQueue(reader: reader, within: scope, body) }
        }
        return try result.get()
    }

    private func onQueue<T>(reader requested: String?, within scope: ReaderScope = .all,
                            _ body: (SocialSecurityApplication, CardConnection) throws -> T) throws -> (String, T) {
        let context = try currentContext()
        let reader = try chooseReader(requested, within: scope, context: context)
        // Shared mode with a transaction, not exclusive mode: other PC/SC
        // programs at the counter (a bank's, say) keep working, and our
        // command sequence still runs uninterrupted.
        let connection: CardConnection
        do {
            connection = try context.connect(reader: reader, share: .shared)
            try connection.beginTransaction()
        } catch {
            throw ReaderFailure.pcsc(error, reader: reader)
        }
        let application = SocialSecurityApplication(channel: connection)
        defer { Self.end(connection, resetting: application.holdsSecurityState) }
        do {
            return (reader, try body(application, connection))
        } catch let error as CardError {
            throw ReaderFailure.card(error, reader: reader)
        } catch let error as PCSCError {
            throw ReaderFailure.pcsc(error, reader: reader)
        }
    }

    /// Ends a session. After a PIN or MAC'd command the card is reset
    /// (SCARD_RESET_CARD), whatever the command's outcome: pcscd's socket is
    /// open to every local user, and no verified state may outlive the call
    /// for another program to use. The reset comes with the end of the
    /// transaction, which pcscd performs even while other programs share the card.
    private static func end(_ connection: CardConnection, resetting: Bool) {
        let disposition: Disposition = resetting ? .reset : .leave
        do {
            try connection.endTransaction(disposition)
            connection.disconnect(.leave)
        } catch {
            connection.disconnect(disposition)
        }
    }

    /// The reader to use: the one named, or the one holding a card. Several
    /// cards are refused with their readers listed, except that a contact and
    /// a contactless slot together follow the configured iType preference
    /// (a dual-interface card shows up in both).
    func chooseReader(_ requested: String?, within scope: ReaderScope = .all,
                      context: PCSCContext) throws(ReaderFailure) -> String {
        let statuses: [ReaderStatus]
        do {
            statuses = try context.status(of: try context.readers()).filter { scope.contains($0.reader) }
        } catch {
            if error == .noReadersAvailable { throw .noReader }
            throw .pcsc(error, reader: requested)
        }
        if let requested {
            guard let status = statuses.first(where: { $0.reader == requested }) else { throw .readerNotFound(requested) }
            guard status.cardPresent else { throw .noCardInReader(requested) }
            return requested
        }
        guard !statuses.isEmpty else { throw .noReader }
        var withCard = statuses.filter(\.cardPresent)
        switch choice {
        case .contactOnly: withCard = withCard.filter { $0.kind == .contact }
        case .contactlessOnly: withCard = withCard.filter { $0.kind == .contactless }
        default: break
        }
        if withCard.count == 2, Set(withCard.map(\.kind)).count == 2, let chosen = choice.choose(from: withCard) {
            return chosen.reader
        }
        guard withCard.count <= 1 else { throw .severalCardsPresent(withCard.map(\.reader)) }
        guard let only = withCard.first else { throw .noCardInReader(nil) }
        return only.reader
    }

    private func currentContext() throws(ReaderFailure) -> PCSCContext {
        if let context { return context }
        do {
            let created = try PCSCContext()
            context = created
            return created
        } catch {
            throw ReaderFailure.unavailable(error.description)
        }
    }

    private func sync<T>(_ body: (PCSCContext) throws(ReaderFailure) -> T) throws(ReaderFailure) -> T {
        let result: Result<T, ReaderFailure> = queue.sync {
            do throws(ReaderFailure) {
                return .success(try body(try currentContext()))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
