import SSCardValues

/// The records of EF05 and EF06 as the chip stores them: tag, length,
/// value, in record-number order.
///
/// Numeric (cn) fields are BCD, left-aligned and F-padded; text fields are
/// ASCII or GB18030 padded with 00 to the field size.
struct CardRecords {
    struct Record {
        var tag: UInt8
        var value: [UInt8]
        var bytes: [UInt8] { [tag, UInt8(value.count)] + value }
    }

    /// EF05: record numbers equal tags 01-07.
    var issuer: [Record]
    /// EF06: records 1-7 hold tags 08, 09, 4E, 0A, 0B, 0C, 0D (1, 2, 4, 5,
    /// 7 as on real cards; 3 and 6 are our choice). The 4E extension is
    /// absent when the name fits in 30 bytes, as on cards that answer 6A83.
    var holder: [Record?]

    init(profile p: CardProfile) {
        issuer = [
            Record(tag: 0x01, value: Hex.decode(p.cardId.rawValue) ?? []),
            Record(tag: 0x02, value: Array(p.cardCategory.utf8)),
            Record(tag: 0x03, value: Array(p.specVersion.utf8)),
            Record(tag: 0x04, value: p.institution),
            Record(tag: 0x05, value: Self.bcd(p.issueDate.compact, bytes: 4)),
            Record(tag: 0x06, value: Self.bcd(p.expiryDate.compact, bytes: 4)),
            Record(tag: 0x07, value: Array(p.cardNumber.rawValue.utf8)),
        ]
        let (name, nameExtension) = p.name.chipFields
        holder = [
            Record(tag: 0x08, value: Array(p.ssn.rawValue.utf8)),
            Record(tag: 0x09, value: Self.padded(name, to: HolderName.fieldBytes)),
            nameExtension.isEmpty ? nil : Record(tag: 0x4E, value: Self.padded(nameExtension, to: HolderName.extensionBytes)),
            Record(tag: 0x0A, value: Array(p.sex.utf8)),
            Record(tag: 0x0B, value: Self.bcd(p.ethnicity, bytes: 1)),
            Record(tag: 0x0C, value: Self.bcd(p.birthplace, bytes: 3)),
            Record(tag: 0x0D, value: Self.bcd(p.birthDate.compact, bytes: 4)),
        ]
    }

    func records(of file: ElementaryFile) -> [Record?] {
        switch file {
        case .issuer: return issuer.map { $0 }
        case .holder: return holder
        }
    }

    /// Mode 4: P1 is the record number (1-based).
    func record(number: Int, in file: ElementaryFile) -> Record? {
        let all = records(of: file)
        guard (1...all.count).contains(number) else { return nil }
        return all[number - 1]
    }

    /// Mode 0: P1 is the record identifier (the tag), first occurrence.
    func record(tag: UInt8, in file: ElementaryFile) -> Record? {
        records(of: file).compactMap { $0 }.first { $0.tag == tag }
    }

    /// Digits as BCD, left-aligned, F-padded to `bytes`.
    static func bcd(_ digits: String, bytes: Int) -> [UInt8] {
        var nibbles = digits.compactMap { $0.wholeNumberValue.map(UInt8.init) }
        nibbles += [UInt8](repeating: 0x0F, count: max(0, bytes * 2 - nibbles.count))
        return (0..<bytes).map { nibbles[2 * $0] << 4 | nibbles[2 * $0 + 1] }
    }

    static func padded(_ bytes: [UInt8], to size: Int) -> [UInt8] {
        Array(bytes.prefix(size)) + [UInt8](repeating: 0, count: max(0, size - bytes.count))
    }
}

/// The two elementary files the virtual card serves.
enum ElementaryFile: UInt8 {
    case issuer = 0x05
    case holder = 0x06

    init?(fileID: [UInt8]) {
        guard fileID.count == 2, fileID[0] == 0xEF, let file = ElementaryFile(rawValue: fileID[1]) else { return nil }
        self = file
    }

    init?(sfi: UInt8) { self.init(rawValue: sfi) }
}
