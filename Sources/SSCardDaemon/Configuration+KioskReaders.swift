/// `kiosk-readers.NAME = Reader name | Reader name`: the readers a kiosk may
/// see and use. PC/SC reader names hold spaces (and sometimes commas or
/// brackets), so the list is separated by `|`, which they do not hold.
extension Configuration {
    static let kioskReadersPrefix = "kiosk-readers."

    /// The kiosk NAME and its reader names from one line.
    static func kioskReaders(key: String, value: String) throws -> (String, [String]) {
        typealias Message = ConfigurationError.Message
        let kiosk = String(key.dropFirst(kioskReadersPrefix.count))
        let bare = kiosk.hasPrefix("@") ? String(kiosk.dropFirst()) : kiosk
        guard !bare.isEmpty, !bare.contains(where: { $0 == " " || $0 == "\t" }) else {
            throw Message("'\(key)' must name a kiosk: kiosk-readers.USER, a uid, or kiosk-readers.@GROUP")
        }
        let readers = value.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !readers.isEmpty, !readers.contains(where: \.isEmpty) else {
            throw Message("'\(key)' must list reader names separated by '|'")
        }
        return (kiosk, readers)
    }
}

