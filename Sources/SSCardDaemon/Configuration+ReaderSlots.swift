import Foundation
import PCSC

/// `reader-slots.KIND = Reader name | Reader name`, KIND one of contact,
/// contactless, sam: what a slot is for when its PC/SC name does not say it
/// (names are matched whole, as `kiosk-readers` matches them).
extension Configuration {
    static let readerSlotsPrefix = "reader-slots."

    static func readerSlots(key: String, value: String) throws -> [(String, ReaderKind)] {
        typealias Message = ConfigurationError.Message
        let kindName = String(key.dropFirst(readerSlotsPrefix.count))
        guard let kind = ReaderKind(rawValue: kindName) else {
            throw Message("'\(key)' must be reader-slots.contact, reader-slots.contactless or reader-slots.sam")
        }
        let readers = value.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !readers.isEmpty, !readers.contains(where: \.isEmpty) else {
            throw Message("'\(key)' must list reader names separated by '|'")
        }
        return readers.map { ($0, kind) }
    }

    /// Readers never used for a holder's card whatever their names or
    /// kinds: the PSAM's reader, once the configuration names one
    /// (`psam-reader`); `ReaderSlots.reserved`.
    public var reservedReaders: Set<String> { [] }

    /// The slot kinds and reserved readers the reader choice uses.
    public var slotAssignments: ReaderSlots { ReaderSlots(kinds: readerSlots, reserved: reservedReaders) }
}
