import Foundation
import Testing
@testable import Registry

@Suite struct LifecycleDiagramTests {
    /// docs/lifecycle.dot (and the SVG made from it) must be what the code's
    /// table generates; regenerate with scripts/lifecycle-diagram.
    @Test func committedDiagramMatchesTheTransitionTable() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs")
        let committed = try String(contentsOf: docs.appendingPathComponent("lifecycle.dot"), encoding: .utf8)
        #expect(committed == CardLifecycle.graphviz())
        let svg = try String(contentsOf: docs.appendingPathComponent("lifecycle.svg"), encoding: .utf8)
        for state in CardState.allCases { #expect(svg.contains(state.rawValue)) }
    }

    @Test func everyAllowedPairAppearsAsAnEdgeLabel() {
        let dot = CardLifecycle.graphviz()
        for (operation, row) in CardLifecycle.table where !row.isEmpty {
            #expect(dot.contains(operation.rawValue))
        }
        #expect(CardLifecycle.interruptedStates(by: .formallyLost) == [.issued, .active, .locked])
    }

    /// The states that hold the holder's place are shaded, the others not.
    @Test(arguments: CardState.allCases)
    func placeHoldingStatesAreShaded(_ state: CardState) throws {
        let line = try #require(CardLifecycle.graphviz().split(separator: "\n").first { $0.hasPrefix("  \(state.rawValue) [") })
        #expect(line.contains("filled") == state.holdsTheHoldersPlace)
    }
}
