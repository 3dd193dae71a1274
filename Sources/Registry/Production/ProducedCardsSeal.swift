import SSCardValues

/// What a batch's one `importBatch` audit entry seals of the cards it
/// produced: a SHA-256 over the produced-card rows as the registry stores
/// them, in application order. The entry is hash-chained (and keyed), so a
/// produced card's data edited afterwards — another chip named for an
/// application, say — no longer matches the seal, and the audit
/// verification says which batch (`Registry.verifyAudit`).
///
/// One entry for the batch instead of one per application keeps a
/// 100,000-row batch's apply near the cost of its inserts: the history of
/// a holder shows the batch's entry for their application
/// (`Registry.history`), read through the produced card.
public enum ProducedCardsSeal {
    /// The seal's version tag, first in the hashed text.
    static let version = "sscard-produced-cards-v1"

    /// The seal of `cards`, all of batch `batchId`, whatever their order.
    /// Each field is framed by its length: a stored value cannot carry the
    /// next row into its own and so keep the text while the rows change.
    public static func digest(batchId: String, cards: [ProducedCard]) -> String {
        var text = DigestText(version: version, batchId: batchId, expectedLines: cards.count)
        for card in cards.sorted(by: { $0.applicationId < $1.applicationId }) {
            for field in [String(card.applicationId), card.cardNumber.rawValue, card.cardId.rawValue, card.specVersion,
                          card.issueDate.description, card.expiryDate.description] {
                text.framedField(field)
            }
            text.endLine()
        }
        return text.digest
    }

    /// The `importBatch` entry's detail: the batch, the file's digest (what
    /// recognises a re-sent file), the row count and this seal.
    static func detail(batch: ProductionBatchRecord, cardsDigest: String) -> String {
        "batch=\(batch.id);digest=\(batch.digest);rows=\(batch.rowCount);cards=\(cardsDigest)"
    }

    /// The value of `name=` in an entry's detail (`batch=…;digest=…;rows=…;cards=…`).
    static func field(_ name: String, inDetail detail: String) -> String? {
        for field in detail.split(separator: ";") where field.hasPrefix(name + "=") {
            return String(field.dropFirst(name.count + 1))
        }
        return nil
    }

    /// The batch a done `importBatch` entry imported, sealed or not (entries
    /// written before the seal name the batch too).
    static func batchId(importedBy entry: AuditEntry) -> String? {
        guard entry.action == .importBatch, entry.outcome == .done, let detail = entry.detail else { return nil }
        return field("batch", inDetail: detail)
    }

    /// What is wrong with the produced cards `entry` sealed, if it is a
    /// batch's sealing entry and they changed since — in number (the entry
    /// says how many) or in content; nil otherwise.
    static func problem(sealedBy entry: AuditEntry, reader: any RegistryReading) throws -> String? {
        guard let batchId = batchId(importedBy: entry), let detail = entry.detail,
              let sealed = field("cards", inDetail: detail) else { return nil }
        let cards = try reader.producedCards(inBatch: batchId)
        let rows = field("rows", inDetail: detail).flatMap(Int.init)
        guard rows != cards.count || digest(batchId: batchId, cards: cards) != sealed else { return nil }
        return "the produced cards of batch \(PrintableText.quoted(batchId)) are not what this entry sealed "
            + "(\(cards.count) row(s) now, \(rows.map(String.init) ?? "?") sealed): a card's data was changed outside sscard"
    }
}
