import SSCardValues

/// Hex parsing that also accepts lower case and spaces, for hand-written
/// profile files.
enum HexText {
    static func decode(_ text: String) -> [UInt8]? {
        Hex.decode(text.filter { !$0.isWhitespace })
    }
}
