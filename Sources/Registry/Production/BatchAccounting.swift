import SSCardValues

/// The audit verification's part for production batches: a sealed batch's
/// cards are checked as its entry is walked (`ProducedCardsSeal`), and a
/// walk of every chain from its genesis also accounts for every batch the
/// registry holds — each must have its done `importBatch` entry, so a batch
/// a database writer added by hand, with no entry, is found.
enum BatchAccounting {
    static func verify(_ reader: any RegistryReading, scope: AuditTrail.Scope,
                       progress: (Int) throws -> Void = { _ in }) throws -> AuditVerification {
        var imported = Set<String>()
        let verification = try AuditTrail.verify(reader, scope: scope, progress: progress) { entry in
            if let batchId = ProducedCardsSeal.batchId(importedBy: entry) { imported.insert(batchId) }
            return try ProducedCardsSeal.problem(sealedBy: entry, reader: reader)
        }
        guard scope.allChains, verification.isIntact else { return verification }
        guard let stray = try reader.productionBatchIds().first(where: { !imported.contains($0) }) else {
            return verification
        }
        // No entry to point at: the trail lacks one. Sequence 0 stands for "none".
        return AuditVerification(entriesChecked: verification.entriesChecked, firstBrokenSequence: 0,
                                 problem: "production batch \(PrintableText.quoted(stray)) has no importBatch entry in "
                                     + "the audit trail: it was not imported by sscard",
                                 chainsChecked: verification.chainsChecked)
    }
}
