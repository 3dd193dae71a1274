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
    ],
    targets: [
        // C layer: system libraries.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPCSCLite", pkgConfig: "libpcsclite",
                       providers: [.apt(["libpcsclite-dev"])]),

        // Linux calls Swift's Glibc module does not reach (SO_PEERCRED, epoll, eventfd).
        .target(name: "CSystemShims", cSettings: [.define("_GNU_SOURCE")]),

        // Validated values shared by the card and registry layers.
        .target(name: "SSCardValues"),

        // Store and PC/SC layers.
        .target(name: "SQLiteStore", dependencies: ["CSQLite"]),
        .target(name: "PCSC", dependencies: ["CPCSCLite"]),

        // Protocol layer: varlink over a Unix socket.
        .target(name: "Varlink", dependencies: ["CSystemShims"]),

        // Domain layers.
        .target(name: "SocialSecurityCard", dependencies: ["SSCardValues", "PCSC"]),
        .target(name: "Registry", dependencies: ["SSCardValues", "SQLiteStore"]),

        // Executables.
        .executableTarget(name: "sscard-vcard", dependencies: ["SocialSecurityCard", "SSCardValues"]),
        .executableTarget(name: "sscard-docgen", dependencies: ["Registry"]),
        .executableTarget(name: "sscard-bench", dependencies: ["Registry", "SQLiteStore", "CSQLite"]),
        .executableTarget(name: "sscard-registry-writer", dependencies: ["Registry"],
                          path: "Tests/Support/sscard-registry-writer"),

        // Tests.
        .testTarget(name: "SSCardValuesTests", dependencies: ["SSCardValues"]),
        .testTarget(name: "SQLiteStoreTests", dependencies: ["SQLiteStore"]),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "SQLiteStore", "sscard-registry-writer"]),
        .testTarget(name: "SocialSecurityCardTests", dependencies: ["SocialSecurityCard"]),
        .testTarget(name: "VarlinkTests", dependencies: ["Varlink", "CSystemShims"]),
        .testTarget(name: "PCSCIntegrationTests", dependencies: ["PCSC", "SocialSecurityCard", "sscard-vcard"]),
    ]
)
