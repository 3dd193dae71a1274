import PCSC
import SocialSecurityCard
import SSCardInterfaces
import Varlink

/// Why a reader operation failed, as org.sscard.Reader errors.
public enum ReaderFailure: Error, Sendable, CustomStringConvertible {
    case noReader
    case readerNotFound(String)
    case noCardInReader(String?)
    case severalCardsPresent([String])
    case cardFailed(reader: String, reason: String, statusWord: String?)
    /// The named reader is a SAM slot or reserved for the PSAM.
    case notForHolderCards(reader: String, reason: String)
    /// The exchange itself failed (a comm error, a transaction pcscd could
    /// not complete, a reset by another program, a card not yet powered): the
    /// same card may answer on a second try. On the wire, CardFailed.
    case cardNotAnswering(reader: String, reason: String)
    case pinFormat(String)
    case unavailable(String)
    /// The reader did not answer within `card-operation-timeout`, or a call
    /// on it still has not: calls on it fail fast until it answers again.
    case readerUnresponsive(String)
    /// The reader has as many operations pending as it may have.
    case readerBusy(reader: String, pending: Int)

    static func card(_ error: CardError, reader: String) -> ReaderFailure {
        var statusWord: String?
        switch error {
        case let .applicationNotFound(status), let .recordNotFound(_, status), let .unexpectedStatus(_, status):
            statusWord = status.description
        case .applicationLocked: statusWord = "6A81"
        case .applicationPermanentlyLocked: statusWord = "9303"
        case .macRejected: statusWord = "6988"
        default:
            break
        }
        if case .transmission = error { return .cardNotAnswering(reader: reader, reason: error.description) }
        return .cardFailed(reader: reader, reason: error.description, statusWord: statusWord)
    }

    static func pcsc(_ error: PCSCError, reader: String?) -> ReaderFailure {
        switch error {
        case .noSmartcard, .removedCard: return .noCardInReader(reader)
        case .unknownReader, .readerUnavailable: return .readerNotFound(reader ?? "")
        case .noService, .serviceStopped, .noReadersAvailable: return .unavailable(error.description)
        case .commError, .notTransacted, .resetCard, .unresponsiveCard, .unpoweredCard:
            return .cardNotAnswering(reader: reader ?? "", reason: error.description)
        default: return .cardFailed(reader: reader ?? "", reason: error.description, statusWord: nil)
        }
    }

    public var varlinkError: VarlinkError {
        switch self {
        case .noReader: return VarlinkError(ReaderErrorName.noReader)
        case let .readerNotFound(reader): return VarlinkError(ReaderErrorName.readerNotFound, [.reader: .string(reader)])
        case let .noCardInReader(reader):
            return VarlinkError(ReaderErrorName.noCardInReader, reader.map { [.reader: .string($0)] } ?? [:])
        case let .severalCardsPresent(readers):
            return VarlinkError(ReaderErrorName.severalCardsPresent, [.readers: .array(readers.map(JSONValue.string))])
        case let .cardFailed(reader, reason, statusWord):
            var parameters: [WireKey: JSONValue] = [.reader: .string(reader), .reason: .string(reason)]
            if let statusWord { parameters[.statusWord] = .string(statusWord) }
            return VarlinkError(ReaderErrorName.cardFailed, parameters)
        case let .notForHolderCards(reader, reason):
            return VarlinkError(ReaderErrorName.notForHolderCards, [.reader: .string(reader), .reason: .string(reason)])
        case let .cardNotAnswering(reader, reason):
            return VarlinkError(ReaderErrorName.cardFailed, [.reader: .string(reader), .reason: .string(reason)])
        case let .pinFormat(reason): return VarlinkError(ReaderErrorName.pinFormat, [.reason: .string(reason)])
        case let .unavailable(reason): return VarlinkError(ReaderErrorName.readerUnavailable, [.reason: .string(reason)])
        case let .readerUnresponsive(reader): return VarlinkError(ReaderErrorName.readerUnresponsive, [.reader: .string(reader)])
        case let .readerBusy(reader, pending):
            return VarlinkError(ReaderErrorName.readerBusy, [.reader: .string(reader), .pending: .int(Int64(pending))])
        }
    }

    public var description: String { varlinkError.description }

    /// Whether the same card may answer if asked again.
    var mayAnswerAgain: Bool {
        if case .cardNotAnswering = self { return true }
        return false
    }
}
