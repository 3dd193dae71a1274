import SSCardValues

/// What the holder (or a proxy) showed at the counter: the basis on which an
/// operator acted, kept in the audit trail.
///
/// Several documents may be shown (a password reset needs the ID card and
/// the card itself). For documents other than the ID card and the social
/// security card, the last four characters of the document's number are kept
/// so that an audit can tell which passport was shown; the ID card's and the
/// card's numbers are the holder's SSN and card number, kept in their own
/// columns already. A proxy (代办) shows their own document, whose kind is kept
/// beside their SSN, and may bring an authorisation letter (委托书).
public struct Evidence: Hashable, Codable, Sendable {
    public enum Document: String, CaseIterable, Codable, Sendable {
        case idCard, householdRegister, socialSecurityCard, passport, residencePermit
        case civilRegistryProof, none

        /// Whether the document's number is kept (its last four characters):
        /// for all but the ID card and the card, whose numbers the registry has.
        public var keepsNumberTail: Bool { self != .idCard && self != .socialSecurityCard && self != .none }

        /// Whether the document identifies a person (the proxy shows one of these).
        public var identifiesAPerson: Bool { self == .idCard || self == .passport || self == .residencePermit }
    }

    /// One document shown: its kind, and the last four characters of its number where kept.
    public struct Shown: Hashable, Codable, Sendable {
        public var kind: Document
        public var numberTail: String?

        public init(_ kind: Document, numberTail: String? = nil) {
            self.kind = kind
            self.numberTail = numberTail
        }
    }

    /// The documents in the order shown; empty when none was.
    public private(set) var documents: [Shown]
    /// Set when someone acts for the holder; they show their own document too.
    public var proxySsn: SocialSecurityNumber?
    /// The kind of document the proxy showed for themselves.
    public private(set) var proxyDocument: Document?
    /// The proxy brought the holder's authorisation letter (委托书).
    public private(set) var authorisationLetter: Bool

    /// One document, as callers before several documents gave it.
    public init(document: Document, proxySsn: SocialSecurityNumber? = nil) {
        documents = document == .none ? [] : [Shown(document)]
        self.proxySsn = proxySsn
        proxyDocument = nil
        authorisationLetter = false
    }

    /// Several documents, checked: see `EvidenceError` for what is refused.
    public init(documents: [Shown], proxySsn: SocialSecurityNumber? = nil, proxyDocument: Document? = nil,
                authorisationLetter: Bool = false) throws(EvidenceError) {
        var seen: Set<Document> = []
        for (index, shown) in documents.enumerated() {
            guard shown.kind != .none else { throw .noneAmongDocuments(index: index) }
            guard seen.insert(shown.kind).inserted else { throw .shownTwice(shown.kind, index: index) }
            if let tail = shown.numberTail {
                guard shown.kind.keepsNumberTail else { throw .numberNotKept(shown.kind, index: index) }
                guard tail.count == 4, tail.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                    throw .badNumberTail(index: index)
                }
            }
        }
        if let proxyDocument {
            guard proxySsn != nil else { throw .proxyDocumentWithoutProxy }
            guard proxyDocument.identifiesAPerson else { throw .proxyDocumentNotIdentity(proxyDocument) }
        }
        if authorisationLetter, proxySsn == nil { throw .letterWithoutProxy }
        self.documents = documents
        self.proxySsn = proxySsn
        self.proxyDocument = proxyDocument
        self.authorisationLetter = authorisationLetter
    }

    public static let none = Evidence(document: .none)

    /// The first document shown (`none` when none was): the audit trail's
    /// `document` as it was before several documents.
    public var document: Document { documents.first?.kind ?? .none }

    /// Whether a document of `kind` was shown.
    public func shows(_ kind: Document) -> Bool { documents.contains { $0.kind == kind } }

    /// The holder's presence is shown by an identity document or the card itself.
    public var showsIdentity: Bool { !documents.isEmpty }
}

/// Evidence that cannot be recorded as given; `index` is the document's
/// position in `documents`, so the caller learns which one to fix.
public enum EvidenceError: Error, Hashable, Sendable, CustomStringConvertible {
    case noneAmongDocuments(index: Int)
    case shownTwice(Evidence.Document, index: Int)
    case numberNotKept(Evidence.Document, index: Int)
    case badNumberTail(index: Int)
    case proxyDocumentWithoutProxy
    case proxyDocumentNotIdentity(Evidence.Document)
    case letterWithoutProxy

    /// The parameter path the error is about, e.g. `documents[1].numberTail`.
    public var parameter: String {
        switch self {
        case let .noneAmongDocuments(index), let .shownTwice(_, index): return "documents[\(index)].kind"
        case let .numberNotKept(_, index), let .badNumberTail(index): return "documents[\(index)].numberTail"
        case .proxyDocumentWithoutProxy, .proxyDocumentNotIdentity: return "proxyDocument"
        case .letterWithoutProxy: return "authorisationLetter"
        }
    }

    public var description: String {
        switch self {
        case .noneAmongDocuments: return "'none' is not a document: leave documents empty instead"
        case let .shownTwice(kind, _): return "\(kind.rawValue) is listed twice"
        case let .numberNotKept(kind, _):
            return "the number of a \(kind.rawValue) is not kept (the registry has it as the SSN or card number)"
        case .badNumberTail: return "numberTail must be the last four letters or digits of the document's number"
        case .proxyDocumentWithoutProxy: return "proxyDocument needs proxySsn"
        case let .proxyDocumentNotIdentity(kind): return "a proxy identifies themselves with idCard, passport or "
            + "residencePermit, not \(kind.rawValue)"
        case .letterWithoutProxy: return "an authorisation letter is brought by a proxy: it needs proxySsn"
        }
    }
}
