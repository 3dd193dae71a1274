import Registry
import SSCardInterfaces
import SSCardProtocol
import Varlink

/// Production batch imports (BeginBatchImport … CommitBatchImport): the
/// text is collected per session and parsed and applied at commit, all or
/// nothing. Problems go back to the administrator with line, column and the
/// value masked; the log says only how many there were.
extension RegistryMethods {
    func beginBatchImport(_ context: CallContext) throws -> JSONValue {
        let session = try batchImports.begin(context.call)
        return .fields([.session: .string(session), .maxBytes: .int(Int64(batchImports.limits.maxBytes))])
    }

    func addBatchText(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let bytes = try batchImports.add(try p.string(.session), try p.string(.text), context.call)
        return .fields([.bytes: .int(Int64(bytes))])
    }

    func abortBatchImport(_ context: CallContext) throws -> JSONValue {
        _ = try batchImports.take(try context.parameters.string(.session), context.call)
        return .fields([:])
    }

    func commitBatchImport(_ context: CallContext) throws -> JSONValue {
        let text = try batchImports.take(try context.parameters.string(.session), context.call)
        let batch: ProductionBatch
        do {
            batch = try ProductionBatchCSV.parse(text)
        } catch {
            try registry.recordRefusedBatch(error.batchId, digest: nil, error: error, actor: context.actor)
            throw error.varlinkError
        }
        let outcome: BatchImportOutcome
        do {
            outcome = try registry.importBatch(batch, actor: context.actor)
        } catch let error as ProductionBatchError {
            throw error.varlinkError
        }
        switch outcome {
        case let .imported(summary):
            return .fields([.batch: Self.summary(summary.record, alreadyImported: false, writerHeld: summary.writerHeld)])
        case let .alreadyImported(record):
            return .fields([.batch: Self.summary(record, alreadyImported: true, writerHeld: nil)])
        }
    }

    static func summary(_ record: ProductionBatchRecord, alreadyImported: Bool, writerHeld: Duration?) -> JSONValue {
        var fields: [WireKey: JSONValue] = [
            .batchId: .string(record.id), .digest: .string(record.digest), .rows: .int(Int64(record.rowCount)),
            .importedAt: .string(record.importedAt.rfc3339), .importedBy: .string(record.importedBy),
            .alreadyImported: .bool(alreadyImported),
        ]
        if let writerHeld {
            let (seconds, attoseconds) = writerHeld.components
            fields[.writerHeldMs] = .int(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        }
        return .fields(fields)
    }
}

extension ProductionBatchError {
    var batchId: String {
        switch self {
        case let .rejected(id, _), let .conflict(id, _): return id
        }
    }
}
