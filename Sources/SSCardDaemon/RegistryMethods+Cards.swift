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

    func activate(_ context: CallContext) throws -> JSONValue {
        try cardReply(try registry.activate(request(try cardNumber(context), context)))
    }

    func reportLoss(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let kind = try p.choice(.kind, LossKind.self)
        var number = try p.optionalCardNumber(.cardNumber)
        let ssn = try p.optionalSSN(.ssn)
        if context.isSelfService, kind != .temporary {
            throw context.denied("\(context.role.rawValue) may report a temporary loss only")
        }
        if context.isRemote {
            // By the holder's number and name, checked before anything about the holder is said.
            guard ssn != nil, number == nil else { throw context.denied("the remote channel reports a loss by ssn and name") }
            _ = try remoteHolder(context, action: "reportTemporaryLoss")
        }
        if number == nil {
            guard let ssn else { throw VarlinkError.invalidParameter(.cardNumber) }
            // The holder's card that a loss can apply to: the one usable card.
            let holder = try registry.status(of: ssn)
            guard let card = holder.cards.first(where: { $0.state.holdsTheHoldersSlot && $0.state != .sealed }) else {
                throw RegistryError.ruleViolated(rule: .replacedCardUnusable, detail: "the holder has no card that can be reported lost")
            }
            number = card.cardNumber
        }
        guard let number else { throw VarlinkError.invalidParameter(.cardNumber) }
        if context.isKiosk {
            // Self-service: the caller must know the holder's number or card and name.
            let name = try p.holderName(.name)
            let status = try registry.status(of: number)
            guard status.holderName == name, ssn.map({ $0 == status.card.ssn }) ?? true else {
                try? registry.recordRefusedAttempt(action: "reportTemporaryLoss", actor: context.actor,
                                                   cardNumber: number, reason: "holder name or number does not match")
                throw VarlinkError(RegistryErrorName.identityMismatch,
                                   [.reason: "the holder's name or number does not match the card"])
            }
        }
        let card = try registry.reportLoss(kind, request(number, context))
        var reply = try cardReply(card)
        if case var .object(object) = reply {
            object[.reminder] = RegistryJSON.lossReminder
            reply = .object(object)
        }
        return reply
    }

    /// Counter only. With a reader and newPin, the PIN is reloaded on the chip
    /// (unblock, then reload, both MAC-protected) before the reset is recorded.
    func resetPassword(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let number = try p.cardNumber(.cardNumber)
        let request = try request(number, context)
        try registry.checkAllowed(.resetPassword, request)
        if let newPinText = try p.optionalString(.newPin) {
            let newPin = try pin(newPinText)
            guard let module = securityModule else {
                throw VarlinkError(RegistryErrorName.ruleViolated,
                                   [.rule: "securityModuleMissing", .reason: "no security module keys are configured"])
            }
            try onChip(p, expecting: number) { application in
                try application.unblockPIN(using: module)
                try application.reloadPIN(new: newPin, using: module)
            }
        }
        return try cardReply(try registry.resetPassword(request))
    }

    /// With a reader, oldPin and newPin the PIN is changed on the chip first;
    /// a wrong old PIN is reported as PinRejected and nothing is recorded.
    func changePassword(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let number = try cardNumber(context)
        // Every rule is asked before the chip is touched: the region's channels, the evidence, the state.
        try registry.checkAllowed(.changePassword, request(number, context))
        if context.isKiosk || p.has(.oldPin) || p.has(.newPin) {
            let old = try pin(try p.string(.oldPin))
            let new = try pin(try p.string(.newPin))
            let outcome = try onChip(p, expecting: number) { application in try application.changePIN(old: old, new: new) }
            switch outcome {
            case .verified: break
            case let .wrong(triesLeft):
                throw VarlinkError(RegistryErrorName.ruleViolated,
                                   [.rule: "pinRejected", .reason: .string("wrong PIN, \(triesLeft) tries left")])
            case .blocked:
                throw VarlinkError(RegistryErrorName.ruleViolated,
                                   [.rule: "pinBlocked", .reason: "the PIN is blocked: reset it at a service counter"])
            }
        }
        return try cardReply(try registry.changePassword(request(number, context)))
    }

    func pin(_ text: String) throws -> PIN {
        do { return try PIN(text) } catch { throw ReaderFailure.pinFormat(String(describing: error)) }
    }

    /// Runs a chip operation on the card in the call's reader after checking
    /// that it is the card the registry call is about.
    func onChip<T>(_ p: Parameters, expecting number: CardNumber,
                   _ body: (SocialSecurityApplication) throws -> T) throws -> T {
        try readers.withCard(reader: try p.optionalString(.reader)) { application, _ in
            let identity = try application.readIdentity()
            guard identity.cardNumber == number else {
                throw VarlinkError(RegistryErrorName.identityMismatch,
                                   [.reason: "the card in the reader is not the card named in the call"])
            }
            return try body(application)
        }.1
    }
}
