import PCSC
import Registry
import SocialSecurityCard
import SSCardInterfaces
import SSCardProtocol
import SSCardValues
import Varlink

extension RegistryMethods {
    /// Operations that need only the card number: release, lock, seal, cancel…
    func simple(_ operation: CardOperation, _ context: CallContext) throws -> JSONValue {
        let number = try context.parameters.cardNumber(.cardNumber)
        return try cardReply(try registry.perform(operation, request(number, context)))
    }

    /// A kiosk acts on the card in its reader; counters may name the card.
    func cardNumber(_ context: CallContext) throws -> CardNumber {
        let p = context.parameters
        if context.isKiosk || !p.has(.cardNumber) {
            guard !p.has(.cardNumber) || !context.isKiosk else {
                throw context.denied("a kiosk acts only on the card inserted in its reader")
            }
            return try cardInReader(p, context).cardNumber
        }
        return try p.cardNumber(.cardNumber)
    }

    /// The holder's card that a loss can apply to: the one usable card.
    func usableCard(of holder: HolderStatus) throws -> CardNumber {
        guard let card = holder.cards.first(where: { $0.state.holdsTheHoldersPlace && $0.state != .sealed }) else {
            throw RegistryError.ruleViolated(rule: .replacedCardUnusable, detail: "the holder has no card that can be reported lost")
        }
        return card.cardNumber
    }

    /// The card a kiosk reports lost without the card, by the holder's number
    /// or card number, and name. An unknown number, an unknown card and a name
    /// or number that does not match are one answer, IdentityMismatch, recorded
    /// (at most twice per uid and minute), as for the remote channel: a public
    /// kiosk cannot be used to learn who is registered or which cards exist.
    private func kioskLossCard(_ context: CallContext, number: CardNumber?, ssn: SocialSecurityNumber?) throws -> CardNumber {
        let name = try context.parameters.holderName(.name)
        let matched: CardNumber?
        do {
            if let number {
                let status = try registry.status(of: number)
                matched = status.holderName == name && (ssn.map { $0 == status.card.ssn } ?? true) ? number : nil
            } else if let ssn {
                let holder = try registry.status(of: ssn)
                matched = holder.holder.name == name ? try usableCard(of: holder) : nil
            } else {
                throw VarlinkError.invalidParameter(.cardNumber)
            }
        } catch RegistryError.holderNotFound, RegistryError.cardNotFound {
            matched = nil
        }
        guard let matched else {
            context.recordRefusal(refusedAttempts, action: AuditAction(.reportTemporaryLoss), cardNumber: number, ssn: ssn,
                                  reason: "holder name or number does not match")
            throw VarlinkError(RegistryErrorName.identityMismatch,
                               [.reason: "the holder's name or number does not match the card"])
        }
        return matched
    }

    func activate(_ context: CallContext) throws -> JSONValue {
        try cardReply(try registry.activate(request(try cardNumber(context), context)))
    }

    func reportLoss(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let kind = try p.choice(.kind, LossKind.self)
        var number = try p.optionalCardNumber(.cardNumber)
        let ssn = try p.optionalSSN(.ssn)
        // Self-service (a kiosk, the remote channel): a temporary loss only, decided before anything is read.
        if context.isSelfService, kind != .temporary {
            throw context.denied("\(context.role.rawValue) may report a temporary loss only")
        }
        if context.isRemote {
            // By the holder's number and name, checked before anything about the holder is said.
            guard ssn != nil, number == nil, !p.has(.reader) else {
                throw context.denied("the remote channel reports a loss by ssn and name")
            }
            _ = try remoteHolder(context, action: AuditAction(.reportTemporaryLoss))
        }
        // By reader: sscardd reads the card itself. A kiosk does this, so it
        // never needs the holder's full card number or name.
        let byReader = number == nil && ssn == nil && (p.has(.reader) || context.isKiosk)
        if byReader {
            number = try cardInReader(p, context).cardNumber
        } else if context.isKiosk {
            // Without the card, a kiosk caller must know the holder's number or card and name.
            number = try kioskLossCard(context, number: number, ssn: ssn)
        } else if number == nil {
            guard let ssn else { throw VarlinkError.invalidParameter(.cardNumber) }
            number = try usableCard(of: try registry.status(of: ssn))
        }
        guard let number else { throw VarlinkError.invalidParameter(.cardNumber) }
        let card = try registry.reportLoss(kind, request(number, context))
        var reply = try cardReply(card)
        if case var .object(object) = reply {
            object[.reminder] = RegistryJSON.lossReminder
            reply = .object(object)
        }
        return reply
    }

    /// Cancellation at the counter: the reason kind decides the documents
    /// (`CancellationRules`); without one the holder's own request is meant.
    func cancel(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let reason = try p.optionalChoice(.cancellationReason, CancellationReason.self) ?? .holderRequest
        return try cardReply(try registry.cancel(request(try p.cardNumber(.cardNumber), context), reason: reason))
    }

    /// Records the bank's acknowledgement of an event of the financial function.
    func recordBankEvent(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let event = try p.choice(.event, BankEvent.self)
        return try cardReply(try registry.recordBankEvent(event, request(try p.cardNumber(.cardNumber), context)))
    }

    /// Counter only. With a reader and newPin, the PIN is reloaded on the chip
    /// (unblock, then reload, both MAC-protected) once the registry has
    /// allowed the reset, and the reset is recorded after the chip took it.
    func resetPassword(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let number = try p.cardNumber(.cardNumber)
        let request = try request(number, context)
        if let newPinText = try p.optionalString(.newPin) {
            let newPin = try pin(newPinText)
            guard let module = securityModule else {
                throw VarlinkError(RegistryErrorName.ruleViolated,
                                   [.rule: "securityModuleMissing", .reason: "no security module keys are configured"])
            }
            try gate.run(.resetPassword, request, reader: try context.reader(), scope: context.readerScope) {
                application, _ in
                try application.unblockPIN(using: module)
                try application.reloadPIN(new: newPin, using: module)
            }
        }
        return try cardReply(try registry.resetPassword(request))
    }

    /// With a reader, oldPin and newPin the PIN is changed on the chip once
    /// the registry has allowed the change; a wrong old PIN is reported as
    /// PinRejected and recorded as failed on the chip, with its status word.
    func changePassword(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let number = try cardNumber(context)
        guard context.isKiosk || p.has(.oldPin) || p.has(.newPin) else {
            return try cardReply(try registry.changePassword(request(number, context)))
        }
        let old = try pin(try p.string(.oldPin))
        let new = try pin(try p.string(.newPin))
        let request = try request(number, context)
        let outcome = try gate.run(.changePassword, request, reader: try context.reader(), scope: context.readerScope) {
            application, _ in try application.changePIN(old: old, new: new)
        }
        let card = try gate.finish(.changePassword, request, outcome)
        switch outcome {
        case .verified:
            guard let card else { throw RegistryError.storeFailure("the password change was not recorded") }
            return try cardReply(card)
        case let .wrong(triesLeft):
            throw VarlinkError(RegistryErrorName.ruleViolated,
                               [.rule: "pinRejected", .reason: .string("wrong PIN, \(triesLeft) tries left")])
        case .blocked:
            throw VarlinkError(RegistryErrorName.ruleViolated,
                               [.rule: "pinBlocked", .reason: "the PIN is blocked: reset it at a service counter"])
        }
    }

    func pin(_ text: String) throws -> PIN {
        do { return try PIN(text) } catch { throw ReaderFailure.pinFormat(String(describing: error)) }
    }

    var gate: ChipGate { ChipGate(registry: registry, readers: readers) }
}
