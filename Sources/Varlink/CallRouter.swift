/// Turns one received message into a handler call, on a worker thread.
///
/// Parsing happens here rather than on the I/O thread so that one peer's
/// large or deeply nested message never delays socket I/O for the others.
/// Everything the protocol itself defines is answered here: malformed
/// messages, `org.varlink.service`, unknown interfaces and methods.
struct CallRouter: Sendable {
    let info: VarlinkServiceInfo
    /// Offered interfaces in registration order, `org.varlink.service` first.
    let interfaces: [VarlinkInterface]
    let handler: any VarlinkHandler
    let maximumDepth: Int

    func route(_ frame: [UInt8], peer: PeerCredentials, connectionID: UInt64, link: CallLink, outbox: ReplyOutbox) {
        func makeReply(method: String, more: Bool, oneway: Bool) -> VarlinkReply {
            VarlinkReply(method: method, more: more, link: link) { message in
                let final = message.isFinal
                if oneway && !final { return }
                guard final else {
                    link.forbidDirect()
                    let bytes = message.encoded()
                    link.noteQueued(bytes.count)
                    return outbox.post(.init(connectionID: connectionID, link: link, bytes: bytes, final: false))
                }
                switch link.completeDirectly(oneway ? [] : message.encoded()) {
                case .done: break
                case .notify: outbox.post(.init(connectionID: connectionID, link: link, bytes: [], final: true))
                case .post(let bytes): outbox.post(.init(connectionID: connectionID, link: link, bytes: bytes, final: true))
                }
            }
        }
        func reject(_ parameter: String) {
            makeReply(method: "", more: false, oneway: false).fail(.invalidParameter(parameter))
        }

        guard let message = try? JSONValue(parsing: frame, maximumDepth: maximumDepth),
              case .object(let members) = message
        else { return reject("message") }
        guard case .string(let method)? = members["method"], let dot = method.lastIndex(of: "."),
              dot != method.startIndex, method.index(after: dot) != method.endIndex
        else { return reject("method") }
        guard let more = flag(members["more"]) else { return reject("more") }
        guard let oneway = flag(members["oneway"]) else { return reject("oneway") }
        // Protocol upgrades hand the raw connection to the handler; nothing in
        // sscard needs that, so it is refused rather than half supported.
        guard let upgrade = flag(members["upgrade"]), !upgrade else { return reject("upgrade") }
        let parameters: JSONValue
        switch members["parameters"] {
        case nil, .null?: parameters = .object([:])
        case .object?: parameters = members["parameters"]!
        default: return reject("parameters")
        }

        let reply = makeReply(method: method, more: more, oneway: oneway)
        let interfaceName = String(method[..<dot])
        let methodName = String(method[method.index(after: dot)...])
        guard let interface = interfaces.first(where: { $0.name == interfaceName }) else {
            return reply.fail(.interfaceNotFound(interfaceName))
        }
        if interface.name == VarlinkInterface.service.name {
            return answerService(methodName, method: method, parameters: parameters, reply: reply)
        }
        guard interface.methods.isEmpty || interface.methods.contains(methodName) else {
            return reply.fail(.methodNotFound(method))
        }
        let call = VarlinkCall(method: method, parameters: parameters, more: more, oneway: oneway,
                               peer: peer, connectionID: connectionID)
        handler.handle(call, reply: reply)
    }

    /// A missing or null flag is false; anything but a boolean is malformed.
    private func flag(_ value: JSONValue?) -> Bool? {
        switch value {
        case nil, .null?: return false
        case .bool(let flag)?: return flag
        default: return nil
        }
    }

    private func answerService(_ name: String, method: String, parameters: JSONValue, reply: VarlinkReply) {
        switch name {
        case "GetInfo":
            reply.send([
                "vendor": .string(info.vendor),
                "product": .string(info.product),
                "version": .string(info.version),
                "url": .string(info.url),
                "interfaces": .array(interfaces.map { .string($0.name) }),
            ])
        case "GetInterfaceDescription":
            guard let wanted = parameters["interface"]?.string else { return reply.fail(.invalidParameter("interface")) }
            guard let interface = interfaces.first(where: { $0.name == wanted }) else {
                return reply.fail(.interfaceNotFound(wanted))
            }
            reply.send(["description": .string(interface.description)])
        default:
            reply.fail(.methodNotFound(method))
        }
    }
}
