import Registry
import SSCardInterfaces
import Varlink

extension BatchRowProblem {
    /// As the IDL's BatchProblem: the value only masked.
    public var json: JSONValue {
        var fields: [WireKey: JSONValue] = [.line: .int(Int64(line)), .problem: .string(code), .reason: .string(reason)]
        if let field { fields[.field] = .string(field) }
        if let maskedValue { fields[.value] = .string(maskedValue) }
        return .fields(fields)
    }
}

extension ProductionBatchError {
    /// BatchRejected or BatchConflict, as org.sscard.Registry declares them.
    public var varlinkError: VarlinkError {
        switch self {
        case let .rejected(batchId, problems):
            return VarlinkError(RegistryErrorName.batchRejected, [
                .batchId: .string(batchId), .problems: .array(problems.map(\.json)), .problemCount: .int(Int64(problems.count)),
            ])
        case let .conflict(batchId, importedAt):
            return VarlinkError(RegistryErrorName.batchConflict, [.batchId: .string(batchId), .importedAt: .string(importedAt.rfc3339)])
        }
    }
}
