import SSCardValues

/// RFC 4180 records from UTF-8 text: fields separated by commas, records by
/// CRLF or LF, a field in double quotes may hold commas, line breaks and
/// doubled quotes. Strict: a quote inside an unquoted field, text after a
/// closing quote or a quote left open is an error naming the line.
struct CSVRecords {
    struct Record {
        /// The line the record starts on (1-based).
        var line: Int
        var fields: [String]
    }

    struct QuotingError: Error {
        var line: Int
    }

    /// Splits `text` into records; blank lines are skipped.
    static func parse(_ text: String) throws(QuotingError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quoted = false  // the current field was quoted and its closing quote seen
        var characters = Array(text.unicodeScalars)
        if characters.first == "\u{FEFF}" { characters.removeFirst() }
        var index = 0
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !quoted) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
            field = ""
            quoted = false
        }
        while index < characters.count {
            let c = characters[index]
            index += 1
            if inQuotes {
                if c == "\"" {
                    if index < characters.count, characters[index] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 1
                    } else {
                        inQuotes = false
                        quoted = true
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                fields.append(field)
                field = ""
                quoted = false
            case "\r" where index < characters.count && characters[index] == "\n":
                continue
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            case "\"":
                guard field.isEmpty, !quoted else { throw QuotingError(line: line) }
                inQuotes = true
            default:
                guard !quoted else { throw QuotingError(line: line) }
                field.unicodeScalars.append(c)
            }
        }
        guard !inQuotes else { throw QuotingError(line: recordLine) }
        if !field.isEmpty || !fields.isEmpty || quoted { endRecord() }
        return records
    }
}
