import Testing
@testable import Registry
import SSCardValues

/// The metrics file's registry figures, on both engines: cards by state (every
/// state present, zeros included) and the length of this store's audit chain.
@Suite struct RegistryFiguresTests {
    @Test(arguments: RegistryEngine.allCases)
    func cardsByStateAndTheChainsLengthFollowTheRegistry(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let empty = try fixture.registry.figures()
        #expect(empty.cardsByState == Dictionary(uniqueKeysWithValues: CardState.allCases.map { ($0, 0) }))
        #expect(empty.auditChainLength == 0)
        _ = try fixture.card(1, in: .active)
        _ = try fixture.card(2, in: .active)
        _ = try fixture.card(3, in: .locked)
        _ = try fixture.registry.reportLoss(.temporary, fixture.request(2))
        let figures = try fixture.registry.figures()
        #expect(figures.cardsByState[.active] == 1)
        #expect(figures.cardsByState[.locked] == 1)
        #expect(figures.cardsByState[.temporarilyLost] == 1)
        #expect(figures.cardsByState.values.reduce(0, +) == 3)
        #expect(figures.cardsByState.count == CardState.allCases.count)
        let head = try fixture.registry.auditHead()
        #expect(figures.auditChain == head.chain)
        #expect(figures.auditChainLength == head.sequence && head.sequence > 0)
    }
}
