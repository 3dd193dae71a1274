import Foundation
import PCSC
import Registry
import SocialSecurityCard
import SSCardValues

/// The daemon's readers: card I/O on one queue per reader (`ReaderQueue`,
/// each with its own PC/SC context and a deadline per operation), listing
/// and reader choice on one more (`sscard.readers`), and a monitor whose
/// events are fanned out to subscribers with the identity of each inserted
/// card once it has been read.
///
/// pcscd may be down when the daemon starts or restart while it runs; the
/// registry keeps serving meanwhile and reader calls say the readers are
/// unavailable until pcscd is back. A card that stops answering holds only
/// its own reader's queue: its callers get ReaderUnresponsive at the
/// deadline, and registry calls and other readers never wait behind it.
public final class CardReaders: @unchecked Sendable {
    /// A reader event, with the identity read after an insertion (or why it could not be read).
    public struct Event: Sendable {
        public enum Change: Sendable {
            case reader(ReaderEvent)
            /// A card operation outlived its deadline; calls on the reader fail fast.
            case unresponsive(String)
            /// The reader answers again: the stuck operation returned, or the card left.
            case responsive(String)
        }

        public let change: Change
        public let identity: CardIdentity?
        public let readError: String?

        init(_ change: Change, identity: CardIdentity? = nil, readError: String? = nil) {
            self.change = change
            self.identity = identity
            self.readError = readError
        }

        public var reader: String {
            switch change {
            case let .reader(event): return event.reader
            case let .unresponsive(reader), let .responsive(reader): return reader
            }
        }
    }

    public struct Reader: Sendable {
        public let name: String
        public let kind: ReaderKind
        public let cardPresent: Bool
        public let atr: [UInt8]
        public let securePinEntry: Bool
        public let unresponsive: Bool
    }

    /// Operations one reader may have pending (running or waiting their
    /// turn); more fail fast with ReaderBusy. A counter works one card at a
    /// time, so a few is plenty; far fewer than the varlink workers, so one
    /// reader can never hold them all.
    static let pendingPerReader = 4

    let choice: ReaderChoice
    /// Configured slot kinds and readers reserved for the PSAM: never a holder's.
    let slots: ReaderSlots
    let log: Log
    let timeout: Duration
    /// Listing and choosing readers, on a context no card operation uses.
    let directory: ReaderQueue
    /// Where the monitor's start is retried while pcscd is away.
    private let starter = DispatchQueue(label: "sscard.reader-monitor-start")
    private var monitor: ReaderMonitor?
    private let subscribers = Observers<Event>()
    let lock = NSLock()
    private var stopped = false
    /// Each reader's queue, made on first use; replaced when a card stuck
    /// in one leaves (the old one is retired, keeping its stuck transmit).
    private var queues: [String: ReaderQueue] = [:]
    /// The last insertion event of each reader holding a card, with the
    /// identity read then: what a new Monitor subscriber is shown first.
    private var inserted: [String: Event] = [:]
    /// Counts each reader's insertions, removals and detachments. An
    /// insertion's read may finish after its removal was published (or after
    /// another card came): it is published and recorded only if no later
    /// event happened on its reader.
    private var generations: [String: UInt64] = [:]
    /// Held while a reader event is checked against `generations` and
    /// published, so subscribers get each reader's events in the order they
    /// happened (a removal never overtakes the insertion it follows).
    private let publishing = NSLock()
    /// Readers whose PIN-pad probe was refused, logged once each.
    private var probeRefusals: Set<String> = []

    public init(choice: ReaderChoice, slots: ReaderSlots = .init(), cardOperationTimeout: Duration = .seconds(15), log: Log) {
        self.choice = choice
        self.slots = slots
        self.log = log
        timeout = cardOperationTimeout
        let seconds = cardOperationTimeout.components.seconds
        directory = ReaderQueue(
            name: "readers", label: "sscard.readers", timeout: cardOperationTimeout, pendingLimit: 64,
            unresponsive: .unavailable("pcscd did not answer within \(seconds) s"),
            busy: .unavailable("too many reader listings waiting for pcscd"))
    }

    /// Starts the monitor; if pcscd cannot be reached yet, keeps trying in the background.
    public func start() {
        starter.async { self.startMonitor(attempt: 0) }
    }

    private func startMonitor(attempt: Int) {
        guard !lock.withLock({ stopped }) else { return }
        do {
            let monitor = try ReaderMonitor()
            // Kept before it starts, under the lock `stop` takes: a stop that
            // comes first finds it and stops it (a stopped monitor never
            // starts), so no reader event is handled or logged after "stopped".
            let kept = lock.withLock {
                guard !stopped else { return false }
                self.monitor = monitor
                return true
            }
            guard kept else { return monitor.stop() }
            monitor.start { [weak self] event in self?.handle(event) }
            log.info("reader monitor started")
        } catch {
            if attempt == 0 { log.warning("readers unavailable, retrying: \(error)") }
            starter.asyncAfter(deadline: .now() + min(5.0, 0.2 * Double(attempt + 1))) { self.startMonitor(attempt: attempt + 1) }
        }
    }

    /// Stops the monitor and releases every queue's context on its queue,
    /// without waiting for a queue stuck in a card (process exit ends it).
    public func stop() {
        let (monitor, queues) = lock.withLock {
            stopped = true
            return (self.monitor, Array(self.queues.values))
        }
        monitor?.stop()
        queues.forEach { $0.close() }
        directory.close()
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

    /// A reader answered GET_FEATURE_REQUEST with an error: it is treated as
    /// having no PIN pad, and said once in the log, not at every call.
    func noteFeatureProbeRefused(_ reader: String, _ error: PCSCError) {
        guard lock.withLock({ probeRefusals.insert(reader).inserted }) else { return }
        log.notice("reader \(reader) refused the PIN-pad feature probe (\(error)): treated as having no PIN pad")
    }

    // MARK: Reader queues

    /// The queue for `reader`'s card work.
    func queue(for reader: String) -> ReaderQueue {
        lock.withLock {
            if let queue = queues[reader] { return queue }
            let queue = ReaderQueue(
                name: reader, label: "sscard.reader.\(reader)", timeout: timeout, pendingLimit: Self.pendingPerReader,
                unresponsive: .readerUnresponsive(reader), busy: .readerBusy(reader: reader, pending: Self.pendingPerReader),
                responsiveness: { [weak self] queue, responsive in self?.note(queue, responsive: responsive) })
            queues[reader] = queue
            return queue
        }
    }

    /// Whether `reader` is marked unresponsive now.
    func isUnresponsive(_ reader: String) -> Bool {
        lock.withLock { queues[reader] }?.isUnresponsive ?? false
    }

    /// A reader queue's mark was set or cleared: published, unless the
    /// queue has been retired since.
    private func note(_ queue: ReaderQueue, responsive: Bool) {
        publishing.withLock {
            guard lock.withLock({ queues[queue.name] === queue }) else { return }
            if responsive {
                log.notice("reader \(queue.name) answers again")
            } else {
                log.warning("reader \(queue.name) did not answer within \(timeout); calls on it fail until it does")
            }
            subscribers.publish(Event(responsive ? .responsive(queue.name) : .unresponsive(queue.name)))
        }
    }

    // MARK: Monitor events

    private func handle(_ event: ReaderEvent) {
        // The PSAM's reader (`psam-reader`): its card is no holder's, and sscardd never opens it as one.
        guard !slots.reserved.contains(event.reader) else { return }
        log.info("\(event)")
        switch event {
        case let .cardInserted(reader, atr):
            let generation = lock.withLock { advance(reader) }
            // A SAM slot's card (the PSAM) is not a holder's: no SELECT SSSE is sent to it.
            if let refusal = slots.refusal(ReaderStatus(reader: reader, cardPresent: true, atr: atr)) {
                publishing.withLock {
                    let current = lock.withLock { generations[reader] == generation }
                    if current { subscribers.publish(Event(.reader(event), readError: refusal)) }
                }
            } else {
                readIdentity(event, reader: reader, generation: generation)
            }
        case let .cardRemoved(reader), let .readerDetached(reader):
            publishing.withLock {
                let retired: ReaderQueue? = lock.withLock {
                    _ = advance(reader)
                    _ = inserted.removeValue(forKey: reader)
                    // The card stuck in a transmit has left: the next card
                    // gets a fresh queue and context; the old queue keeps
                    // the transmit until it returns, then releases its context.
                    guard let queue = queues[reader], queue.isUnresponsive else { return nil }
                    queues[reader] = nil
                    return queue
                }
                subscribers.publish(Event(.reader(event)))
                if let retired {
                    retired.retire()
                    log.notice("reader \(reader): the unresponsive card left; the reader answers again")
                    subscribers.publish(Event(.responsive(reader)))
                }
            }
        default:
            publishing.withLock { subscribers.publish(Event(.reader(event))) }
        }
    }

    /// The reader's next generation; call with `lock` held.
    private func advance(_ reader: String) -> UInt64 {
        let next = generations[reader, default: 0] &+ 1
        generations[reader] = next
        return next
    }

    /// Reads the identity through the reader's queue (bounded by the
    /// deadline, so a mute card cannot hold the monitor or anyone else),
    /// then records and publishes the insertion, unless the reader has had
    /// another event since. The waiting is done on a short-lived thread of
    /// its own, not the monitor's (which must go on reporting removals) and
    /// not a global dispatch queue (whose few threads, all waiting on mute
    /// cards, would hold back everything else queued there).
    ///
    /// A card still sliding into its contacts, or reset by another program
    /// just then, can fail its first exchange: while the same card is in the
    /// reader, a read whose exchange failed is tried again, twice, after 0.1
    /// and 0.4 s. A card that answers wrongly is not.
    /// What an insertion event says when the identity could not be read; a
    /// chip whose application is blocked (EF06 answers `6A81`) is named as such.
    static func insertionReadError(_ error: any Error) -> String {
        if case .cardFailed(_, _, "6A81")? = error as? ReaderFailure {
            return "the card's application is blocked on the chip (6A81): unblock it at a counter reader"
        }
        return String(describing: error)
    }

    private func readIdentity(_ event: ReaderEvent, reader: String, generation: UInt64) {
        let thread = Thread {
            var complete = Event(.reader(event))
            for pause in [0, 0.1, 0.4] {
                if pause > 0 {
                    guard self.lock.withLock({ self.generations[reader] == generation }) else { break }
                    Thread.sleep(forTimeInterval: pause)
                }
                do {
                    let identity = try self.withCard(reader: reader) { application, _ in try application.readIdentity() }.1
                    complete = Event(.reader(event), identity: identity)
                    break
                } catch let failure as ReaderFailure where failure.mayAnswerAgain {
                    complete = Event(.reader(event), readError: String(describing: failure))
                } catch {
                    complete = Event(.reader(event), readError: Self.insertionReadError(error))
                    break
                }
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
        thread.name = "sscard.insertion-read"
        thread.start()
    }
}
