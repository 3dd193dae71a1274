// swift-tools-version:6.0
// sscard: a social security card service daemon.
// No Swift package dependencies: the toolchain plus system C libraries only.
import PackageDescription

let package = Package(
    name: "sscard",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sscard-vcard", targets: ["sscard-vcard"]),
        .executable(name: "sscard-bench", targets: ["sscard-bench"]),
        .executable(name: "sscard-bench-card", targets: ["sscard-bench-card"]),
    ],
    targets: [
        // C layer: system libraries.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPCSCLite", pkgConfig: "libpcsclite",
                       providers: [.apt(["libpcsclite-dev"])]),

        // Validated values shared by the card and registry layers.
        .target(name: "SSCardValues"),

        // Store and PC/SC layers.
        .target(name: "SQLiteStore", dependencies: ["CSQLite"]),
        .target(name: "PCSC", dependencies: ["CPCSCLite"]),

        // Domain layers.
        .target(name: "SocialSecurityCard", dependencies: ["SSCardValues", "PCSC"]),
        .target(name: "Registry", dependencies: ["SSCardValues", "SQLiteStore"]),
        // The emulated chip behind vpcd and in unit tests.
        .target(name: "VirtualCard", dependencies: ["PCSC", "SSCardValues", "SocialSecurityCard"]),

        // Executables.
        .executableTarget(name: "sscard-vcard", dependencies: ["VirtualCard"]),
        .executableTarget(name: "sscard-bench-card", dependencies: ["PCSC", "SocialSecurityCard", "SSCardValues"]),
        .executableTarget(name: "sscard-bench", dependencies: ["Registry", "SQLiteStore", "CSQLite"]),
        .executableTarget(name: "sscard-registry-writer", dependencies: ["Registry"],
                          path: "Tests/Support/sscard-registry-writer"),

        // Tests.
        .testTarget(name: "SSCardValuesTests", dependencies: ["SSCardValues"]),
        .testTarget(name: "SQLiteStoreTests", dependencies: ["SQLiteStore"]),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "SQLiteStore", "sscard-registry-writer"]),
        .testTarget(name: "SocialSecurityCardTests", dependencies: ["SocialSecurityCard"]),
        .testTarget(name: "PCSCTests", dependencies: ["PCSC"]),
        .testTarget(name: "VirtualCardTests", dependencies: ["VirtualCard", "PCSC"]),
        .testTarget(name: "PCSCIntegrationTests",
                    dependencies: ["PCSC", "SocialSecurityCard", "VirtualCard", "sscard-vcard"]),
    ]
)
