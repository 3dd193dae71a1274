import PCSC
import SocialSecurityCard
import SSCardInterfaces
import Testing
@testable import SSCardDaemon

/// Which failures an insertion read tries again: an exchange that failed,
/// never a card that answered wrongly or a reader that is gone.
@Suite("sscardd: reader failures that may pass on a second try")
struct ReaderFailureTests {
    @Test("a failed exchange may pass on a second try", arguments: [
        PCSCError.commError, .notTransacted, .resetCard, .unresponsiveCard, .unpoweredCard,
    ])
    func exchangeFailures(_ error: PCSCError) {
        let failure = ReaderFailure.pcsc(error, reader: "r")
        #expect(failure.mayAnswerAgain)
        #expect(failure.varlinkError.name == ReaderErrorName.cardFailed.name, "the wire error is unchanged")
    }

    @Test("a card that answered, a card or reader that is gone: no second try")
    func settledFailures() {
        #expect(ReaderFailure.card(.transmission(.selectApplication, reason: "x"), reader: "r").mayAnswerAgain)
        #expect(!ReaderFailure.card(.applicationNotFound(StatusWord(0x6A82)), reader: "r").mayAnswerAgain)
        #expect(!ReaderFailure.card(.wrongTag(.cardNumber, found: 0x41), reader: "r").mayAnswerAgain)
        #expect(!ReaderFailure.pcsc(.removedCard, reader: "r").mayAnswerAgain)
        #expect(!ReaderFailure.pcsc(.readerUnavailable, reader: "r").mayAnswerAgain)
        #expect(!ReaderFailure.readerUnresponsive("r").mayAnswerAgain)
    }
}
