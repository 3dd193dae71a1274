import SSCardValues

/// The text a batch digest hashes, as UTF-8 bytes gathered once and hashed
/// in one pass: the batch file's digest (fields separated by U+001F, values
/// the file's checks have made safe) and the produced cards' seal (fields
/// framed by their length, since stored rows are checked by nobody). Their
/// bytes are part of what is stored, so they never change for a version tag.
struct DigestText {
    private var bytes: [UInt8] = []
    private var lineStarted = false

    /// Begins with the tag and the batch, each on a line of its own.
    init(version: String, batchId: String, expectedLines: Int) {
        bytes.reserveCapacity(version.utf8.count + batchId.utf8.count + 2 + expectedLines * 80)
        bytes.append(contentsOf: version.utf8)
        bytes.append(0x0A)
        bytes.append(contentsOf: batchId.utf8)
        bytes.append(0x0A)
    }

    /// A field of the current line.
    mutating func field(_ text: String) {
        if lineStarted { bytes.append(0x1F) }
        lineStarted = true
        bytes.append(contentsOf: text.utf8)
    }

    /// A field with its length in bytes first (`10:2026-12-07`): whatever
    /// it holds, no byte of it can be read as a separator or as the next
    /// field, so no two different lists of fields give the same text.
    mutating func framedField(_ text: String) {
        bytes.append(contentsOf: String(text.utf8.count).utf8)
        bytes.append(0x3A)
        bytes.append(contentsOf: text.utf8)
    }

    mutating func endLine() {
        bytes.append(0x0A)
        lineStarted = false
    }

    /// SHA-256 of the text, lowercase hex.
    var digest: String {
        var hasher = SHA256()
        hasher.update(bytes)
        return Hex.encode(hasher.finalize()).lowercased()
    }
}
