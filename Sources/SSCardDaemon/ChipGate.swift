import PCSC
import Registry
import SocialSecurityCard
import SSCardProtocol
import SSCardValues
import Varlink

/// The one path for every command that changes a chip or spends its PIN
/// tries: the registry authorises, then the chip is changed, then the
/// outcome is recorded: refused (chip untouched), done, or authorised and
/// failed on the chip with its status word. Registry.ResetPassword and
/// ChangePassword, Reader.VerifyPin and ChangePin all come through here, so
/// none can reach a chip the registry would not allow.
struct ChipGate: Sendable {
    let registry: Registry
    let readers: CardReaders

    /// How the chip shows it is the card named in the call.
    enum IdentityCheck: Sendable {
        /// The whole identity (EF05 and EF06), as a read would.
        case identity
        /// The card number from EF05 alone: what a temporarily blocked
        /// application still shows (it refuses EF06), so APPLICATION UNBLOCK
        /// can check the card it unblocks.
        case issuerData
    }

    /// Runs `body` on the card in `reader` once the registry has allowed
    /// `operation` on `request.cardNumber` and the chip has shown it is that
    /// card. A failure on the way to or on the chip is recorded as failed;
    /// a different card in the reader as refused. Success is the caller's
    /// to record (`finish`), since what it means depends on the body's result.
    func run<T: Sendable>(_ operation: ChipOperation, _ request: CardRequest, reader: String?, scope: ReaderScope,
                          identity check: IdentityCheck = .identity,
                          _ body: @escaping @Sendable (SocialSecurityApplication, CardConnection) throws -> T) throws -> T {
        // Decide before acting: a refusal or an unreachable registry leaves the chip untouched.
        try registry.authorise(operation, request)
        do {
            return try readers.withCard(reader: reader, within: scope) { application, connection in
                let number = check == .identity ? try application.readIdentity().cardNumber : try application.readCardNumber()
                guard number == request.cardNumber else { throw Self.identityMismatch }
                return try body(application, connection)
            }.1
        } catch let error as VarlinkError where error.name == Self.identityMismatch.name {
            try? registry.recordRefusedAttempt(action: operation.auditAction, actor: request.actor,
                                               cardNumber: request.cardNumber, reason: Self.mismatchReason)
            throw error
        } catch {
            let failure = SSCardService.varlinkError(error)
            try? registry.recordChipOutcome(operation, request, .failed(
                statusWord: failure.parameters["statusWord"]?.string,
                reason: failure.parameters["reason"]?.string ?? failure.name))
            throw error
        }
    }

    /// Records a PIN command's answer. A verified PIN is done: a reset or
    /// change through `perform` (which records it and updates the card), a
    /// verification as an entry of its own. A wrong or blocked PIN is a
    /// failure on the chip, recorded with the status word the chip answered.
    @discardableResult
    func finish(_ operation: ChipOperation, _ request: CardRequest, _ verification: PINVerification) throws -> CardRecord? {
        switch verification {
        case .verified:
            if operation.isRecordedAsLifecycle { return try registry.perform(operation.lifecycleOperation, request) }
            try registry.recordChipOutcome(operation, request, .done)
            return nil
        case let .wrong(triesLeft):
            try registry.recordChipOutcome(operation, request, .failed(
                statusWord: "63C" + String(triesLeft, radix: 16, uppercase: true),
                reason: "wrong PIN, \(triesLeft) tries left"))
        case .blocked:
            try registry.recordChipOutcome(operation, request, .failed(statusWord: "6983", reason: "the PIN is blocked"))
        }
        return nil
    }

    /// The card number of the card in `reader` (or the one card present in
    /// the caller's readers), read from the chip without changing it.
    func cardInReader(_ reader: String?, scope: ReaderScope) throws -> CardIdentity {
        try readers.withCard(reader: reader, within: scope) { application, _ in try application.readIdentity() }.1
    }

    static let mismatchReason = "the card in the reader is not the card named in the call"
    static let identityMismatch = VarlinkError("org.sscard.Registry.IdentityMismatch", ["reason": .string(mismatchReason)])
}
