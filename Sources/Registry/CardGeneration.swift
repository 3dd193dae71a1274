/// A card's generation (第一代 / 第二代 / 第三代), the first character of the
/// chip's specification version (EF05 tag 03: "1.00", "2.00", "3.00").
///
/// The registry records it at binding when the chip identity carries the
/// version; cards bound before that have none, and the rules that need it
/// are then not checked (the registry cannot know, and says so in the trail).
public enum CardGeneration {
    /// The newest generation issued: a generation upgrade leads here.
    public static let newest = 3

    /// The generation named by a specification version, or nil when the text
    /// does not start with a digit 1-9.
    public static func of(specVersion: String) -> Int? {
        guard let first = specVersion.first, let digit = first.wholeNumberValue, (1...9).contains(digit) else {
            return nil
        }
        return digit
    }
}
