import SSCardInterfaces
import Varlink

/// `sscardctl issue-instantly`: the counter's instant-issue flow (即时制卡,
/// 即收即办) as one command, four audited calls:
///
/// 1. Apply with channel `instant` (accept, collected at this counter);
/// 2. RecordInstantProduction — the operator has made the card on the
///    counter's instant-issue machine (sscard drives no card printer);
/// 3. BindCard reading the new card in the counter's reader: the card number
///    and chip identity come from the chip, never typed;
/// 4. Activate at hand-over (004 item 82).
///
/// Each reply is shown as it comes. A refused step stops the flow there and
/// exits with its code; the steps before it stay done (each is its own
/// transaction), and the operator continues by hand with `produce-instantly`,
/// `bind APPLICATION-ID --reader R` or `activate --card N`.
extension Control {
    static let holderOptions: Set<String> = ["ssn", "name", "phone", "address", "guardian"]

    /// Apply's parameters from the holder and evidence options, with the delivery.
    static func application(_ a: Arguments) throws -> [WireKey: JSONValue] {
        var holder: [WireKey: JSONValue] = [.ssn: .string(try a.required("ssn")), .name: .string(try a.required("name"))]
        if let phone = a.option("phone") { holder[.phone] = .string(phone) }
        if let address = a.option("address") { holder[.address] = .string(address) }
        if let guardian = a.option("guardian") { holder[.guardianSsn] = .string(guardian) }
        var p: [WireKey: JSONValue] = [.holder: .fields(holder)]
        try common(a, into: &p)
        guard p[.evidence] != nil else { throw UsageError("--document is required") }
        switch (a.option("collect-at"), a.option("mail-to")) {
        case (nil, nil): break
        case let (place?, nil): p[.delivery] = .fields([.kind: "collect", .place: .string(place)])
        case let (nil, address?): p[.delivery] = .fields([.kind: "mail", .address: .string(address)])
        default: throw UsageError("--collect-at and --mail-to: one or the other")
        }
        return p
    }

}

extension Command {
    /// `issue-instantly`, built as described above.
    static let instantIssue = Command(
        summary: "issue-instantly --ssn S --name N --document idCard --reader R [--phone --address --guardian G --proxy P]",
        options: Control.evidenceOptions.union(Control.holderOptions).union(["reader"]),
        render: .keyValue(key: .application, order: Control.applicationOrder)
    ) { a in
        let reader = try a.required("reader")
        var p = try Control.application(a)
        p[.channel] = "instant"
        let evidence = p[.evidence]
        return .init(method: RegistryMethod.apply.name, parameters: .fields(p), then: { accepted in
            let id = try Control.applicationId(accepted)
            return .init(method: RegistryMethod.recordInstantProduction.name, parameters: .fields([.applicationId: .int(id)]),
                         then: { _ in
                var bind: [WireKey: JSONValue] = [.applicationId: .int(id), .reader: .string(reader)]
                bind[.evidence] = evidence
                return .init(method: RegistryMethod.bindCard.name, parameters: .fields(bind), then: { bound in
                    guard let number = bound[.card]?[.cardNumber]?.string else {
                        throw UsageError("sscardd's BindCard reply names no card number")
                    }
                    var activate: [WireKey: JSONValue] = [.cardNumber: .string(number)]
                    activate[.evidence] = evidence
                    return .init(method: RegistryMethod.activate.name, parameters: .fields(activate),
                                 rendering: .keyValue(key: .card, order: Control.cardOrder))
                }, rendering: .keyValue(key: .card, order: Control.cardOrder))
            })
        })
    }
}

extension Control {
    static func applicationId(_ reply: JSONValue) throws -> Int64 {
        guard let id = reply[.application]?[.applicationId]?.int else {
            throw UsageError("sscardd's reply names no application id")
        }
        return id
    }
}
