import SSCardValues

/// How evidence is kept in the audit trail's `document` column on both engines.
///
/// One document alone is its kind (`idCard`), exactly what the column held
/// before several documents, so existing rows read back unchanged and their
/// hashes still verify without a migration: the column's text is what the
/// entry's hash covers. More is written as
/// `KIND[:TAIL]+KIND[:TAIL]…[;proxy=KIND][;letter]`, e.g.
/// `idCard+passport:1234;proxy=idCard;letter`. The proxy's SSN stays in its
/// own column. No field can contain `+ ; : =` (kinds are names, tails are
/// letters and digits), so the form reads back unambiguously.
extension Evidence {
    /// The column's text.
    public var recorded: String {
        var text = documents.isEmpty ? Document.none.rawValue
            : documents.map { shown in shown.kind.rawValue + (shown.numberTail.map { ":\($0)" } ?? "") }
                .joined(separator: "+")
        if let proxyDocument { text += ";proxy=\(proxyDocument.rawValue)" }
        if authorisationLetter { text += ";letter" }
        return text
    }

    /// Reads the column's text back; nil if it is not in the form above.
    public init?(recorded text: String, proxySsn: SocialSecurityNumber?) {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        guard let first = parts.first else { return nil }
        var shown: [Shown] = []
        if first != Document.none.rawValue {
            for item in first.split(separator: "+", omittingEmptySubsequences: false) {
                let fields = item.split(separator: ":", omittingEmptySubsequences: false)
                guard fields.count <= 2, let kind = Document(rawValue: String(fields[0])) else { return nil }
                shown.append(Shown(kind, numberTail: fields.count == 2 ? String(fields[1]) : nil))
            }
        }
        var proxyDocument: Document?
        var letter = false
        for part in parts.dropFirst() {
            if part == "letter" {
                letter = true
            } else if part.hasPrefix("proxy="), let kind = Document(rawValue: String(part.dropFirst(6))) {
                proxyDocument = kind
            } else {
                return nil
            }
        }
        guard let evidence = try? Evidence(documents: shown, proxySsn: proxySsn, proxyDocument: proxyDocument,
                                           authorisationLetter: letter) else { return nil }
        self = evidence
    }
}
