import PCSC
import SocialSecurityCard

/// Card operations and reader listing. Listing and the choice of reader run
/// on `sscard.readers` with its own context; the card work then runs on the
/// chosen reader's queue. Each step waits at most the card-operation
/// deadline, so a varlink worker is never held longer by a card.
extension CardReaders {
    public func list(within scope: ReaderScope = .all) throws(ReaderFailure) -> [Reader] {
        let statuses: [ReaderStatus]
        do {
            statuses = try directory.run { queue throws(ReaderFailure) in
                let context = try queue.context()
                do throws(PCSCError) {
                    let names = try context.readers().filter { scope.contains($0) }
                    guard !names.isEmpty else { return [] }
                    return try context.status(of: names)
                } catch {
                    if error == .noReadersAvailable { return [] }
                    throw ReaderFailure.pcsc(error, reader: nil)
                }
            }
        } catch {
            throw Self.readerFailure(error)
        }
        return statuses.map { status in
            Reader(name: status.reader, kind: slots.kind(of: status), cardPresent: status.cardPresent, atr: status.atr,
                   securePinEntry: false, unresponsive: isUnresponsive(status.reader))
        }
    }

    /// Runs `body` with the social security application of the card in
    /// `reader` (or of the one card present), on that reader's queue.
    /// Card and PC/SC errors come out as `ReaderFailure`; anything else the
    /// body throws comes out unchanged. Past the deadline, or on a reader
    /// still stuck in an earlier call, it fails with ReaderUnresponsive.
    /// Only readers in `scope` are considered: a reader outside it is
    /// reported as not found.
    public func withCard<T: Sendable>(
        reader requested: String?, within scope: ReaderScope = .all,
        _ body: @escaping @Sendable (SocialSecurityApplication, CardConnection) throws -> T
    ) throws -> (String, T) {
        // A named reader known to be stuck fails before anything else waits on pcscd.
        if let requested, scope.contains(requested), isUnresponsive(requested) {
            throw ReaderFailure.readerUnresponsive(requested)
        }
        let choice = self.choice
        let slots = self.slots
        let reader = try directory.run { queue throws(ReaderFailure) in
            try Self.chooseReader(requested, within: scope, choice: choice, slots: slots, context: try queue.context())
        }
        let result = try self.queue(for: reader).run { queue in
            try Self.operate(reader: reader, context: try queue.context(), body)
        }
        return (reader, result)
    }

    /// Connects, runs `body` in a transaction, ends the session; on the reader's queue.
    private static func operate<T>(reader: String, context: PCSCContext,
                                   _ body: (SocialSecurityApplication, CardConnection) throws -> T) throws -> T {
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
        defer { end(connection, resetting: application.holdsSecurityState) }
        do {
            return try body(application, connection)
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

    /// The reader to use: the one named, or the one holding a card
    /// (`ReaderChoice.select`). A SAM slot or a reader reserved for the PSAM
    /// is never used for a holder's card, even when named.
    static func chooseReader(_ requested: String?, within scope: ReaderScope = .all, choice: ReaderChoice,
                             slots: ReaderSlots = .init(), context: PCSCContext) throws(ReaderFailure) -> String {
        let statuses: [ReaderStatus]
        do {
            statuses = try context.status(of: try context.readers()).filter { scope.contains($0.reader) }
        } catch {
            if error == .noReadersAvailable { throw .noReader }
            throw .pcsc(error, reader: requested)
        }
        if let requested {
            guard let status = statuses.first(where: { $0.reader == requested }) else { throw .readerNotFound(requested) }
            if let refusal = slots.refusal(status) { throw .notForHolderCards(reader: requested, reason: refusal) }
            guard status.cardPresent else { throw .noCardInReader(requested) }
            return requested
        }
        guard statuses.contains(where: slots.holdsHolderCards) else { throw .noReader }
        switch choice.select(from: statuses, slots: slots) {
        case let .chosen(reader): return reader
        case .noCard: throw .noCardInReader(nil)
        case let .several(readers): throw .severalCardsPresent(readers)
        }
    }

    /// `run` rethrows what its body threw; listing throws only ReaderFailure.
    private static func readerFailure(_ error: any Error) -> ReaderFailure {
        error as? ReaderFailure ?? .unavailable(String(describing: error))
    }
}
