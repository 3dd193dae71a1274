import SSCardInterfaces
import SSCardValues
import Varlink

extension Control {
    static let evidenceOptions: Set<String> = ["document", "proxy", "proxy-document", "letter", "reason"]
    /// How the card commands' usage lines show the evidence options: sscardd
    /// requires a document for holder services at the counter.
    static let evidenceSummary = " [--document D[,D...] [--proxy S --proxy-document D [--letter]]]"

    /// `--document` (one, or several separated by commas, each `KIND` or
    /// `KIND:NUMBER`), `--proxy`, `--proxy-document` and `--letter` as an
    /// evidence object; `--reason` as reason. Of a document's number only the
    /// last four characters leave sscardctl: the registry keeps no more.
    static func common(_ a: Arguments, into parameters: inout [WireKey: JSONValue]) throws {
        if let document = a.option("document") {
            var evidence = try documents(document)
            if let proxy = a.option("proxy") { evidence[.proxySsn] = .string(proxy) }
            if let kind = a.option("proxy-document") { evidence[.proxyDocument] = .string(kind) }
            if a.flag("letter") { evidence[.authorisationLetter] = true }
            parameters[.evidence] = .fields(evidence)
        } else if a.option("proxy") != nil || a.option("proxy-document") != nil || a.flag("letter") {
            throw UsageError("--proxy, --proxy-document and --letter go with --document (the holder's documents)")
        }
        if let reason = a.option("reason") { parameters[.reason] = .string(reason) }
    }

    /// `idCard` → `document`; `idCard,passport:E1234567` → `documents`, each
    /// number cut to its last four characters.
    static func documents(_ text: String) throws -> [WireKey: JSONValue] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if items.count == 1, !text.contains(":") { return [.document: .string(text)] }
        return [.documents: .array(try items.map { item in
            let parts = item.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard !parts[0].isEmpty else { throw UsageError("--document: an empty document in '\(text)'") }
            var shown: [WireKey: JSONValue] = [.kind: .string(parts[0])]
            if parts.count == 2 {
                guard parts[1].count >= 4 else {
                    throw UsageError("--document \(parts[0]):NUMBER needs at least the number's last four characters")
                }
                shown[.numberTail] = .string(String(parts[1].suffix(4)))
            }
            return .fields(shown)
        })]
    }

    /// A card operation named by --card (or, where allowed, --reader).
    /// `cardRequired`: the card is named even with a reader (lock and
    /// unlock act on the chip in the reader only after checking it is that card).
    static func cardCommand(_ method: RegistryMethod, _ summary: String, readerAllowed: Bool = false,
                            cardRequired: Bool = false) -> Command {
        Command(summary: summary + evidenceSummary, options: evidenceOptions.union(["card", "reader"]),
                render: .keyValue(key: .card, order: cardOrder)) { a in
            var p: [WireKey: JSONValue] = [:]
            if let card = a.option("card") { p[.cardNumber] = .string(card) }
            if readerAllowed, let reader = a.option("reader") { p[.reader] = .string(reader) }
            guard p[.cardNumber] != nil || (readerAllowed && !cardRequired && a.option("reader") != nil) else {
                throw UsageError(readerAllowed && !cardRequired ? "--card or --reader is required" : "--card is required")
            }
            try common(a, into: &p)
            return .init(method: method.name, parameters: .fields(p))
        }
    }

    static let commands: [String: Command] = [
        "status": Command(summary: "status --card N | --ssn S [--name N] | --reader R", options: ["card", "ssn", "name", "reader"],
                          render: .status) { a in
            var p: [WireKey: JSONValue] = [:]
            if let card = a.option("card") { p[.cardNumber] = .string(card) }
            if let ssn = a.option("ssn") { p[.ssn] = .string(ssn) }
            if let name = a.option("name") { p[.name] = .string(name) }
            if let reader = a.option("reader") { p[.reader] = .string(reader) }
            return .init(method: RegistryMethod.getStatus.name, parameters: .fields(p))
        },
        "read": Command(summary: "read [--reader R]", options: ["reader"],
                        render: .keyValue(key: .identity, order: identityOrder)) { a in
            .init(method: ReaderMethod.readCard.name, parameters: a.option("reader").map { .fields([.reader: .string($0)]) } ?? [:])
        },
        "readers": Command(summary: "readers", options: [],
                           render: .rows(key: .readers, columns: [.name, .interface, .cardPresent, .securePinEntry, .atr])) { _ in
            .init(method: ReaderMethod.listReaders.name, parameters: [:])
        },
        "apply": Command(summary: "apply --ssn S --name N --document idCard [--phone --address --guardian G --proxy P] "
                            + "[--channel instant|counter|mobile] [--collect-at PLACE | --mail-to ADDRESS]",
                         options: evidenceOptions.union(holderOptions).union(["channel", "collect-at", "mail-to"]),
                         render: .keyValue(key: .application, order: applicationOrder)) { a in
            var p = try application(a)
            if let channel = a.option("channel") { p[.channel] = .string(channel) }
            return .init(method: RegistryMethod.apply.name, parameters: .fields(p))
        },
        "produce-instantly": Command(summary: "produce-instantly APPLICATION-ID [--reason R]", options: ["reason"],
                                     render: .keyValue(key: .application, order: applicationOrder)) { a in
            guard let id = Int64(try a.word(1, "application id")) else { throw UsageError("application id must be a number") }
            var p: [WireKey: JSONValue] = [.applicationId: .int(id)]
            if let reason = a.option("reason") { p[.reason] = .string(reason) }
            return .init(method: RegistryMethod.recordInstantProduction.name, parameters: .fields(p))
        },
        "issue-instantly": Command.instantIssue,
        "import-batch": Command(summary: "import-batch FILE [--chunk-bytes N]   (a production batch, CSV: docs/operations.md)",
                                options: BatchImport.options, render: .raw) { _ in
            throw UsageError("import-batch runs its own calls")  // Control.main runs BatchImport instead
        },
        "advance": Command(summary: "advance APPLICATION-ID STAGE [--reason R]", options: ["reason"],
                           render: .keyValue(key: .application, order: applicationOrder)) { a in
            guard let id = Int64(try a.word(1, "application id")) else { throw UsageError("application id must be a number") }
            var p: [WireKey: JSONValue] = [.applicationId: .int(id), .stage: .string(try a.word(2, "stage"))]
            if let reason = a.option("reason") { p[.reason] = .string(reason) }
            return .init(method: RegistryMethod.advanceApplication.name, parameters: .fields(p))
        },
        "bind": Command(summary: "bind APPLICATION-ID (--reader R | --card N --card-id C --ssn S --name N)",
                        options: evidenceOptions.union(["reader", "card", "card-id", "ssn", "name"]),
                        render: .keyValue(key: .card, order: cardOrder)) { a in
            guard let id = Int64(try a.word(1, "application id")) else { throw UsageError("application id must be a number") }
            var p: [WireKey: JSONValue] = [.applicationId: .int(id)]
            if let reader = a.option("reader") {
                p[.reader] = .string(reader)
            } else {
                p[.identity] = .fields([.cardNumber: .string(try a.required("card")), .cardId: .string(try a.required("card-id")),
                                 .ssn: .string(try a.required("ssn")), .name: .string(a.option("name") ?? "")])
            }
            try common(a, into: &p)
            return .init(method: RegistryMethod.bindCard.name, parameters: .fields(p))
        },
        "activate": cardCommand(.activate, "activate --card N | --reader R", readerAllowed: true),
        "loss": Command(summary: "loss temporary|formal (--card N | --ssn S) [--name N] [--electronic-credential yes|no]"
                            + " [--bank-reminder told]" + evidenceSummary,
                        options: evidenceOptions.union(["card", "ssn", "name", "electronic-credential", "bank-reminder"]),
                        render: .keyValue(key: .card, order: cardOrder)) { a in
            var p: [WireKey: JSONValue] = [.kind: .string(try a.word(1, "loss kind (temporary or formal)"))]
            if let card = a.option("card") { p[.cardNumber] = .string(card) }
            if let ssn = a.option("ssn") { p[.ssn] = .string(ssn) }
            if let name = a.option("name") { p[.name] = .string(name) }
            if let choice = a.option("electronic-credential") {
                guard choice == "yes" || choice == "no" else { throw UsageError("--electronic-credential is yes or no") }
                p[.electronicCredentialContinues] = .bool(choice == "yes")
            }
            // The operator says they told the holder to report the loss to the bank too.
            if let reminder = a.option("bank-reminder") {
                guard reminder == "told" else { throw UsageError("--bank-reminder is told (you told the holder)") }
                p[.bankReminder] = "toldByOperator"
            }
            guard p[.cardNumber] != nil || p[.ssn] != nil else { throw UsageError("--card or --ssn is required") }
            try common(a, into: &p)
            return .init(method: RegistryMethod.reportLoss.name, parameters: .fields(p))
        },
        "release": cardCommand(.releaseLoss, "release --card N"),
        // With --reader, the chip's application is blocked or unblocked too.
        "lock": cardCommand(.lock, "lock --card N [--reader R]", readerAllowed: true, cardRequired: true),
        "unlock": cardCommand(.unlock, "unlock --card N [--reader R]", readerAllowed: true, cardRequired: true),
        "seal": cardCommand(.seal, "seal --card N --reason R"),
        "unseal": cardCommand(.unseal, "unseal --card N"),
        "cancel": Command(summary: "cancel --card N [--cancellation-reason holderRequest|death|emigration|other] [--reason R]"
                              + evidenceSummary,
                          options: evidenceOptions.union(["card", "cancellation-reason"]),
                          render: .keyValue(key: .card, order: cardOrder)) { a in
            var p: [WireKey: JSONValue] = [.cardNumber: .string(try a.required("card"))]
            if let kind = a.option("cancellation-reason") { p[.cancellationReason] = .string(kind) }
            try common(a, into: &p)
            return .init(method: RegistryMethod.cancel.name, parameters: .fields(p))
        },
        "bank": Command(summary: "bank opened|lossAcknowledged|lossReleased|closed --card N [--reason BANK-REFERENCE]"
                            + evidenceSummary,
                        options: evidenceOptions.union(["card"]), render: .keyValue(key: .card, order: cardOrder)) { a in
            var p: [WireKey: JSONValue] = [.cardNumber: .string(try a.required("card")),
                                          .event: .string(try a.word(1, "bank event"))]
            try common(a, into: &p)
            return .init(method: RegistryMethod.recordBankEvent.name, parameters: .fields(p))
        },
        "reset-password": Command(summary: "reset-password --card N [--reader R] (new PIN read from the terminal with --reader)",
                                  options: evidenceOptions.union(["card", "reader"]),
                                  render: .keyValue(key: .card, order: cardOrder)) { a in
            var p: [WireKey: JSONValue] = [.cardNumber: .string(try a.required("card"))]
            if let reader = a.option("reader") {
                p[.reader] = .string(reader)
                p[.newPin] = .string(try SecretPrompt.read("New PIN: "))
            }
            try common(a, into: &p)
            return .init(method: RegistryMethod.resetPassword.name, parameters: .fields(p))
        },
        "change-password": Command(summary: "change-password (--card N | --reader R) (PINs read from the terminal)",
                                   options: evidenceOptions.union(["card", "reader"]),
                                   render: .keyValue(key: .card, order: cardOrder)) { a in
            var p: [WireKey: JSONValue] = [:]
            if let card = a.option("card") { p[.cardNumber] = .string(card) }
            if let reader = a.option("reader") { p[.reader] = .string(reader) }
            p[.oldPin] = .string(try SecretPrompt.read("Current PIN: "))
            p[.newPin] = .string(try SecretPrompt.read("New PIN: "))
            try common(a, into: &p)
            return .init(method: RegistryMethod.changePassword.name, parameters: .fields(p))
        },
        "verify-pin": Command(summary: "verify-pin [--reader R] [--pad] (PIN read from the terminal)", options: ["reader", "pad"],
                              render: .keyValue(key: nil, order: [.result, .triesLeft])) { a in
            var p: [WireKey: JSONValue] = [:]
            if let reader = a.option("reader") { p[.reader] = .string(reader) }
            if !a.flag("pad") { p[.pin] = .string(try SecretPrompt.read("PIN: ")) }
            return .init(method: ReaderMethod.verifyPin.name, parameters: .fields(p))
        },
        "replace": Command(summary: "replace --card N --replacement-reason R [--new-name N] [--fee-waived --reason R] --document D",
                           options: evidenceOptions.union(["card", "replacement-reason", "new-name", "fee-waived"]),
                           render: .keyValue(key: .application, order: applicationOrder)) { a in
            var p: [WireKey: JSONValue] = [.cardNumber: .string(try a.required("card")),
                                          .replacementReason: .string(try a.required("replacement-reason"))]
            if let name = a.option("new-name") { p[.newName] = .string(name) }
            if a.flag("fee-waived") { p[.feeWaived] = true }
            try common(a, into: &p)
            return .init(method: RegistryMethod.replace.name, parameters: .fields(p))
        },
        "update-holder": Command(summary: "update-holder --ssn S [--phone P] [--address A] --document D",
                                 options: evidenceOptions.union(["ssn", "phone", "address"]),
                                 render: .keyValue(key: .holder, order: [.name, .ssn, .phone, .address])) { a in
            var p: [WireKey: JSONValue] = [.ssn: .string(try a.required("ssn"))]
            if let phone = a.option("phone") { p[.phone] = .string(phone) }
            if let address = a.option("address") { p[.address] = .string(address) }
            try common(a, into: &p)
            return .init(method: RegistryMethod.updateHolder.name, parameters: .fields(p))
        },
        "history": Command(summary: "history (--card N | --ssn S) [--limit N]", options: ["card", "ssn", "limit"],
                           render: .rows(key: .entries, columns: [.sequence, .at, .actor, .action, .outcome,
                                                                   .oldState, .newState, .reason])) { a in
            var p: [WireKey: JSONValue] = [:]
            if let card = a.option("card") { p[.cardNumber] = .string(card) }
            if let ssn = a.option("ssn") { p[.ssn] = .string(ssn) }
            if let limit = a.option("limit") {
                guard let number = Int64(limit) else { throw UsageError("--limit must be a number") }
                p[.limit] = .int(number)
            }
            return .init(method: RegistryMethod.history.name, parameters: .fields(p))
        },
        "pending": Command(summary: "pending [--limit N]", options: ["limit"],
                           render: .rows(key: .releases, columns: [.cardNumber, .lossExpiresAt])) { a in
            .init(method: RegistryMethod.pendingReleases.name,
                  parameters: a.option("limit").flatMap(Int64.init).map { .fields([.limit: .int($0)]) } ?? [:])
        },
        "verify-audit": Command(summary: "verify-audit [--whole] [--head SEQUENCE:HEX]", options: ["whole", "head"],
                                render: .keyValue(key: nil, order: [.intact, .entriesChecked, .firstBrokenSequence, .problem,
                                                                    .from, .whole, .head, .verifiedHead])) { a in
            var p: [WireKey: JSONValue] = [:]
            if a.flag("whole") { p[.whole] = true }
            if let head = a.option("head") { p[.head] = .string(head) }
            return .init(method: RegistryMethod.verifyAudit.name, parameters: .fields(p), more: true, progress: true)
        },
        "report": Command.report,
        "export-audit": Command.exportAudit,
        "backup": Command(summary: "backup PATH [--overwrite]", options: ["overwrite"],
                          render: .keyValue(key: nil, order: [.path])) { a in
            var parameters: [WireKey: JSONValue] = [.path: .string(try a.word(1, "backup path"))]
            if a.flag("overwrite") { parameters[.overwrite] = true }
            return .init(method: RegistryMethod.backup.name, parameters: .fields(parameters))
        },
        "psam": Command(summary: "psam status", options: [],
                        render: .keyValue(key: nil, order: [.module, .present, .serial, .session, .triesLeft,
                                                            .macsComputed, .problem])) { a in
            guard try a.word(1, "psam subcommand") == "status" else { throw UsageError("psam: the subcommand is status") }
            return .init(method: ReaderMethod.psamStatus.name, parameters: [:])
        },
        "monitor": Command(summary: "monitor [--readers]", options: ["readers"], render: .event) { a in
            .init(method: a.flag("readers") ? ReaderMethod.monitor.name : RegistryMethod.monitor.name, parameters: [:], more: true)
        },
        "info": Command(summary: "info", options: [], render: .raw) { _ in
            .init(method: "org.varlink.service.GetInfo", parameters: [:])
        },
        "call": Command(summary: "call METHOD [JSON] [--more]", options: ["more"], render: .raw) { a in
            let method = try a.word(1, "method")
            let text = a.positional.count > 2 ? a.positional[2] : "{}"
            do {
                return .init(method: method, parameters: try JSONValue(parsing: text), more: a.flag("more"))
            } catch {
                throw UsageError("the parameters are not valid JSON: \(error)")
            }
        },
    ]

    static var usage: String {
        "usage: sscardctl [--socket PATH] [--json] COMMAND ...\n\ncommands:\n"
            + commands.keys.sorted().map { "  " + commands[$0]!.summary }.joined(separator: "\n")
            + "\n\nD (the evidence shown): " + ServiceVocabulary.document.names.keys.sorted().joined(separator: ", ")
            + "; S: the proxy's social security number"
            + "\n\nexit codes: 0 ok, 1 refused by sscardd, 2 usage, 3 sscardd unreachable, 4 permission denied,\n"
            + "  5 other failure, 6 registry unavailable (database unreachable or disk full: nothing changed; retry later),\n"
            + "  7 verify-audit found the audit trail not intact"
    }
}
