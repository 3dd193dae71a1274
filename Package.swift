// swift-tools-version:6.0
// sscard: a social security card service daemon.
// No Swift package dependencies: the toolchain plus system C libraries only.
//
// Layers import only downward:
//   C (CSQLite, CLibPQ, CPCSCLite, CSystemShims)
//   → values, stores, PC/SC, transport (SSCardValues, SQLiteStore, PostgreSQLStore, PCSC, Varlink)
//   → domain (SocialSecurityCard, Registry, RegistryPostgreSQL, VirtualCard)
//   → the wire contract (SSCardInterfaces) → protocol (SSCardProtocol) → daemon and client (SSCardDaemon, SSCardControl)
//   → thin executables.
import PackageDescription

#if !os(Linux)
#error("sscard builds on Linux only: its C shims use SO_PEERCRED, epoll and eventfd, and it serves pcsc-lite's pcscd")
#endif

let package = Package(
    name: "sscard",
    // No `platforms` (they name Apple systems): Linux only, as the #error above says.
    // The products are exactly what `make install` ships (docs/internals.md).
    products: [
        .executable(name: "sscardd", targets: ["sscardd"]),
        .executable(name: "sscardctl", targets: ["sscardctl"]),
        .executable(name: "sscard-kiosk", targets: ["sscard-kiosk"]),
        .executable(name: "sscard-migrate-registry", targets: ["sscard-migrate-registry"]),
        // Installed in /usr/lib/sscard for commissioning (docs/operations.md).
        .executable(name: "sscard-vcard", targets: ["sscard-vcard"]),
    ],
    targets: [
        // C layer: system libraries, and the Linux calls Swift's Glibc module
        // does not reach (SO_PEERCRED, epoll, eventfd).
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CPCSCLite", pkgConfig: "libpcsclite", providers: [.apt(["libpcsclite-dev"])]),
        .target(name: "CSystemShims", cSettings: [.define("_GNU_SOURCE")]),

        // Values, store, PC/SC and transport.
        .target(name: "SSCardValues"),
        .target(name: "SQLiteStore", dependencies: ["CSQLite"]),
        .target(name: "PostgreSQLStore", dependencies: ["CLibPQ"]),
        .target(name: "PCSC", dependencies: ["CPCSCLite"]),
        .target(name: "Varlink", dependencies: ["CSystemShims"]),

        // Domain: the card application, the registry, and the emulated chip.
        .target(name: "SocialSecurityCard", dependencies: ["SSCardValues", "PCSC"]),
        .target(name: "Registry", dependencies: ["SSCardValues", "SQLiteStore"]),
        // The registry on PostgreSQL: a second engine, kept out of Registry so that it stays free of libpq.
        .target(name: "RegistryPostgreSQL", dependencies: ["Registry", "PostgreSQLStore", "SQLiteStore", "SSCardValues"]),
        .target(name: "VirtualCard", dependencies: ["PCSC", "SSCardValues", "SocialSecurityCard"]),

        // The wire contract: the org.sscard IDL files and the names of their methods, errors and keys.
        .target(name: "SSCardInterfaces", dependencies: ["Varlink"], exclude: ["Interfaces"]),

        // Protocol: the org.sscard interfaces' JSON for registry and card values.
        .target(name: "SSCardProtocol", dependencies: ["SSCardInterfaces", "Varlink", "Registry", "SocialSecurityCard", "SSCardValues"]),

        // Daemon and client.
        .target(name: "SSCardDaemon", dependencies: ["SSCardProtocol", "SSCardInterfaces", "Registry", "RegistryPostgreSQL", "PostgreSQLStore",
                                                    "SocialSecurityCard", "PCSC", "Varlink", "CSystemShims"]),
        .target(name: "SSCardControl", dependencies: ["SSCardInterfaces", "Varlink", "SSCardValues"]),
        .target(name: "SSCardKiosk", dependencies: ["SSCardInterfaces", "Varlink", "SSCardValues"]),

        // Executables.
        .executableTarget(name: "sscardd", dependencies: ["SSCardDaemon"]),
        .executableTarget(name: "sscardctl", dependencies: ["SSCardControl"]),
        .executableTarget(name: "sscard-kiosk", dependencies: ["SSCardKiosk"]),
        .executableTarget(name: "sscard-vcard", dependencies: ["VirtualCard"]),
        // Moves a service point's SQLite registry to PostgreSQL (the logic is RegistryPostgreSQL's RegistryTransfer).
        .executableTarget(name: "sscard-migrate-registry", dependencies: ["RegistryPostgreSQL", "Registry"]),

        // Development tools (Tools/): benchmarks, fault runs, probes, and the
        // rig they share with the tests. Targets of this package so that the
        // tests can run them, but no products: `make build` never builds them
        // and `make install` never ships them (docs/internals.md).
        .target(name: "SSCardRig", path: "Tools/SSCardRig"),
        .executableTarget(name: "sscard-docgen", dependencies: ["Registry"], path: "Tools/sscard-docgen"),
        .executableTarget(name: "sscard-bench", dependencies: ["SSCardRig", "SSCardInterfaces", "Registry", "SQLiteStore", "CSQLite", "RegistryPostgreSQL",
                                                             "PostgreSQLStore"],
                          path: "Tools/sscard-bench"),
        // The daemon benchmark's floor: a plain C socket server over the same SQLite query.
        .executableTarget(name: "sscard-bench-floor", dependencies: ["CSQLite"], path: "Tools/sscard-bench-floor",
                          cSettings: [.define("_GNU_SOURCE")]),
        .executableTarget(name: "sscard-bench-card", dependencies: ["PCSC", "SocialSecurityCard", "SSCardValues"],
                          path: "Tools/sscard-bench-card"),
        // Fault-injection runs against real daemons, pcscd and virtual cards (docs/reliability.md).
        .executableTarget(name: "sscard-faults", dependencies: ["SSCardRig", "SSCardInterfaces", "Varlink", "SSCardValues"], path: "Tools/sscard-faults"),
        .executableTarget(name: "sscard-decode-probe", dependencies: ["PCSC", "SocialSecurityCard", "SSCardValues", "VirtualCard"],
                          path: "Tools/sscard-decode-probe"),
        .executableTarget(name: "sscard-registry-writer", dependencies: ["Registry"], path: "Tools/sscard-registry-writer"),

        // Tests: one target per module, plus the daemon end to end.
        .testTarget(name: "SSCardValuesTests", dependencies: ["SSCardValues"]),
        .testTarget(name: "SQLiteStoreTests", dependencies: ["SQLiteStore", "SSCardRig"]),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "SQLiteStore", "RegistryPostgreSQL", "PostgreSQLStore",
                                                          "SSCardRig", "sscard-registry-writer",
                                                          "sscard-migrate-registry"]),
        .testTarget(name: "SocialSecurityCardTests", dependencies: ["SocialSecurityCard"]),
        .testTarget(name: "VarlinkTests", dependencies: ["Varlink", "CSystemShims", "SSCardValues"]),
        .testTarget(name: "SSCardInterfacesTests", dependencies: ["SSCardInterfaces"]),
        .testTarget(name: "PCSCTests", dependencies: ["PCSC"]),
        .testTarget(name: "VirtualCardTests", dependencies: ["VirtualCard", "PCSC"]),
        .testTarget(name: "PCSCIntegrationTests",
                    dependencies: ["PCSC", "SocialSecurityCard", "VirtualCard", "SSCardRig", "sscard-vcard"]),
        .testTarget(name: "SSCardDaemonTests",
                    dependencies: ["SSCardDaemon", "SSCardProtocol", "SSCardInterfaces", "SSCardControl", "Varlink", "VirtualCard", "PCSC",
                                   "SocialSecurityCard", "SSCardValues", "PostgreSQLStore", "SSCardRig", "sscardd", "sscardctl", "sscard-vcard"]),
        .testTarget(name: "KioskTests", dependencies: ["SSCardKiosk", "SSCardInterfaces", "SSCardValues", "Varlink", "SSCardRig"]),
        // sscard-bench all's collation of the per-area tables (no benchmark runs in it).
        .testTarget(name: "BenchmarkTests", dependencies: ["sscard-bench"]),
    ]
)
