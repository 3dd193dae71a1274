import SSCardInterfaces
import Testing

/// The IDL reader the contract checks rely on: if it missed names, the checks
/// in WireContractTests would pass on too little.
@Suite struct InterfaceDefinitionTests {
    static let sample = """
    # A comment with method Fake(x: int) in it.
    interface org.example.Sample

    type Point (
      x: int,
      nested: (inner: string, other: ?bool),
      kind: (one, two),
      method: ?string,
      error: string
    )

    # Doc.
    method Move(point: Point, by: ?int) -> (point: Point, list: [](a: string))
    method Ping() -> ()

    error Far (distance: int)
    error Gone ()
    """

    /// Field names that are also keywords (`method`, `error`) are fields, not declarations.
    @Test func readsNamesMethodsErrorsAndTypes() {
        let definition = InterfaceDefinition(parsing: Self.sample)
        #expect(definition.name == "org.example.Sample")
        #expect(definition.methods == ["Move", "Ping"])
        #expect(definition.errors == ["Far", "Gone"])
        #expect(definition.types == ["Point": ["x", "nested", "kind", "method", "error"]])
    }

    @Test func collectsEveryKeyButNotEnumValuesOrComments() {
        let keys = InterfaceDefinition(parsing: Self.sample).keys
        #expect(keys == ["x", "nested", "inner", "other", "kind", "method", "error", "point", "by", "list", "a", "distance"])
    }

    @Test func readsTheRegistryIdentityType() {
        let fields = SSCardInterface.registry.definition.types["CardIdentity"]
        #expect(fields?.first == "cardNumber")
        #expect(fields?.count == 13)
    }
}
