import Registry
import SSCardInterfaces
import SSCardValues
import Varlink

/// Evidence in org.sscard.Registry's spelling: parsed from a call's
/// `evidence` object, and shown in audit entries.
extension RegistryJSON {
    /// The evidence a call gives; `none` when it gives none. One `document`
    /// (the older form) or several `documents`, not both. A bad value is
    /// InvalidValue naming its path, e.g. `evidence.documents[1].numberTail`.
    public static func evidence(_ parameters: Parameters?) throws(VarlinkError) -> Evidence {
        guard let parameters else { return .none }
        let proxySsn = try parameters.optionalValue(.proxySsn) { text throws(ValueError) in
            try SocialSecurityNumber(text)
        }
        let one = try parameters.optionalChoice(.document, Evidence.Document.self)
        let several = try parameters.optionalObjects(.documents)
        if one != nil && several != nil {
            throw parameters.invalidValue(path: "evidence.documents", "give document or documents, not both")
        }
        guard one != nil || several != nil else { throw VarlinkError.invalidParameter("evidence.document") }
        var shown: [Evidence.Shown] = []
        if let one, one != .none { shown = [Evidence.Shown(one)] }
        for (index, item) in (several ?? []).enumerated() {
            let kind: Evidence.Document
            do {
                kind = try item.choice(.kind, Evidence.Document.self)
            } catch {
                throw parameters.invalidValue(path: "evidence.documents[\(index)].kind",
                                              "must be one of \(Evidence.Document.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            shown.append(Evidence.Shown(kind, numberTail: try item.optionalString(.numberTail)))
        }
        do {
            return try Evidence(documents: shown, proxySsn: proxySsn,
                                proxyDocument: try parameters.optionalChoice(.proxyDocument, Evidence.Document.self),
                                authorisationLetter: try parameters.optionalBool(.authorisationLetter) ?? false)
        } catch let error as EvidenceError {
            throw parameters.invalidValue(path: "evidence.\(error.parameter)", error.description)
        } catch let error as VarlinkError {
            throw error
        } catch {
            throw parameters.invalidValue(path: "evidence", "\(error)")
        }
    }

    /// What an audit entry shows of its evidence beyond `document` and
    /// `proxySsn` (which it has always shown): every document, the proxy's
    /// document and the letter, when there is more than one document's worth.
    static func evidenceDetail(_ evidence: Evidence) -> [WireKey: JSONValue] {
        var object: [WireKey: JSONValue] = [:]
        if !evidence.documents.isEmpty {
            object[.documents] = .array(evidence.documents.map { shown in
                var fields: [WireKey: JSONValue] = [.kind: .string(shown.kind.rawValue)]
                if let tail = shown.numberTail { fields[.numberTail] = .string(tail) }
                return .fields(fields)
            })
        }
        if let proxyDocument = evidence.proxyDocument { object[.proxyDocument] = .string(proxyDocument.rawValue) }
        if evidence.authorisationLetter { object[.authorisationLetter] = .bool(true) }
        return object
    }
}
