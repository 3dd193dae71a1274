extension CardLifecycle {
    /// The transition table as a Graphviz digraph, for docs/lifecycle.svg.
    /// A test compares the committed .dot with this output, so the picture
    /// cannot drift from the code.
    public static func graphviz() -> String {
        var lines = [
            "// Generated from CardLifecycle.table by `swift run sscard-docgen lifecycle`. Do not edit.",
            "digraph CardLifecycle {",
            "  rankdir=LR;",
            "  node [shape=box, style=rounded, fontname=\"Helvetica\"];",
            "  edge [fontname=\"Helvetica\", fontsize=10];",
            "  label=\"shaded: the card holds the holder's place (at most one per holder)\";",
            "  fontname=\"Helvetica\"; fontsize=10;",
        ]
        for state in CardState.allCases {
            let shape = state == .cancelled ? ", peripheries=2" : ""
            let place = state.holdsTheHoldersPlace ? ", style=\"rounded,filled\", fillcolor=\"#e3ecf7\"" : ""
            lines.append("  \(state.rawValue) [label=\"\(state.rawValue)\\n\(state.chinese)\"\(shape)\(place)];")
        }
        // Group operations by (from, to) so parallel edges share one arrow.
        var edges: [String: [String]] = [:]
        var order: [String] = []
        for state in CardState.allCases {
            for operation in CardOperation.allCases {
                guard let target = table[operation]?[state] else { continue }
                let destinations: [CardState]
                switch target {
                case let .state(next, _): destinations = [next]
                case .unchanged: destinations = [state]
                case .previous:
                    // Restores whatever the loss or seal interrupted: draw every possible source.
                    destinations = interruptedStates(by: state)
                }
                for destination in destinations {
                    let key = "\(state.rawValue) -> \(destination.rawValue)"
                    if edges[key] == nil { order.append(key) }
                    let label = operation.rawValue + (target == .previous ? " (restore)" : "")
                    edges[key, default: []].append(label)
                }
            }
        }
        for key in order {
            let style = key.hasSuffix("-> cancelled") ? ", color=gray40, fontcolor=gray40" : ""
            lines.append("  \(key) [label=\"\(edges[key]!.joined(separator: "\\n"))\"\(style)];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The states a loss or seal into `state` can have interrupted: those a
    /// restoring release can lead back to. A temporary loss escalated to a
    /// formal one passes on what it interrupted, so it is never restored to.
    static func interruptedStates(by state: CardState) -> [CardState] {
        CardState.allCases.filter { source in
            source != .temporarilyLost && table.values.contains { row in
                row[source] == .state(state, remembersPrevious: true)
            }
        }
    }
}
