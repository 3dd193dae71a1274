import Foundation
import SSCardInterfaces
import Testing

/// The names in SSCardInterfaces against the `.varlink` files, both ways: a
/// method, error or key added to the IDL without its constant fails here, and
/// so does a constant the IDL does not declare.
@Suite struct WireContractTests {
    /// The IDL files in the repository, read from disk rather than from the embedded copy.
    static func file(_ interface: SSCardInterface) throws -> String {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/SSCardInterfaces/Interfaces")
        return try String(contentsOf: directory.appendingPathComponent(interface.rawValue + ".varlink"), encoding: .utf8)
    }

    @Test(arguments: SSCardInterface.allCases)
    func theEmbeddedDescriptionIsTheFile(interface: SSCardInterface) throws {
        // scripts/embed-interfaces regenerates InterfaceDescriptions.swift after an IDL change.
        #expect(interface.interfaceDescription + "\n" == (try Self.file(interface)))
        #expect(interface.definition.name == interface.rawValue)
    }

    @Test func registryMethodsAreTheIDLsMethods() {
        let idl = SSCardInterface.registry.definition.methods
        #expect(Set(RegistryMethod.allCases.map(\.rawValue)) == Set(idl))
        #expect(RegistryMethod.allCases.count == idl.count)
    }

    @Test func readerMethodsAreTheIDLsMethods() {
        let idl = SSCardInterface.reader.definition.methods
        #expect(Set(ReaderMethod.allCases.map(\.rawValue)) == Set(idl))
        #expect(ReaderMethod.allCases.count == idl.count)
    }

    @Test func registryErrorsAreTheIDLsErrors() {
        #expect(Set(RegistryErrorName.allCases.map(\.rawValue)) == Set(SSCardInterface.registry.definition.errors))
    }

    @Test func readerErrorsAreTheIDLsErrors() {
        #expect(Set(ReaderErrorName.allCases.map(\.rawValue)) == Set(SSCardInterface.reader.definition.errors))
    }

    @Test func wireKeysAreTheIDLsKeys() {
        let idl = SSCardInterface.allCases.reduce(into: Set<String>()) { $0.formUnion($1.definition.keys) }
        let constants = Set(WireKey.allCases.map(\.rawValue))
        #expect(idl.subtracting(constants).sorted() == [], "keys in the IDL without a WireKey")
        #expect(constants.subtracting(idl).sorted() == [], "WireKeys the IDL does not declare")
    }

    @Test func qualifiedNamesRoundTrip() {
        #expect(RegistryMethod.getStatus.name == "org.sscard.Registry.GetStatus")
        #expect(ReaderErrorName.noCardInReader.name == "org.sscard.Reader.NoCardInReader")
        #expect(SSCardMethod(name: "org.sscard.Reader.Monitor") == .reader(.monitor))
        #expect(SSCardMethod(name: "org.sscard.Registry.Monitor") == .registry(.monitor))
        #expect(SSCardMethod(name: "org.sscard.Registry.ReadCard") == nil)
        #expect(SSCardMethod(name: "org.sscard.RegistryX.GetStatus") == nil)
        for method in SSCardMethod.allCases { #expect(SSCardMethod(name: method.name) == method) }
        #expect(SSCardMethod.allCases.count == RegistryMethod.allCases.count + ReaderMethod.allCases.count)
    }
}
