extension VarlinkReply.Message {
    /// True for the message that ends a call.
    var isFinal: Bool {
        if case .parameters(_, let continues) = self { return !continues }
        return true
    }

    /// The wire form: compact JSON plus the NUL terminator.
    func encoded() -> [UInt8] {
        var writer = JSONWriter(capacity: 128)
        switch self {
        case .parameters(let parameters, let continues):
            writer.append(continues ? "{\"continues\":true,\"parameters\":" : "{\"parameters\":")
            writer.write(parameters)
        case .error(let error):
            writer.append("{\"error\":")
            writer.write(string: error.name)
            writer.append(",\"parameters\":")
            writer.write(error.parameters)
        }
        writer.append("}\0")
        return writer.bytes
    }
}
