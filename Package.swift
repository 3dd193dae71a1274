// swift-tools-version:6.0
// sscard: a social security card service daemon.
// No Swift package dependencies: the toolchain plus system C libraries only.
//
// Layers import only downward:
//   C (CSQLite, CLibPQ, CPCSCLite, CSystemShims)
//   → values, stores, PC/SC, transport (SSCardValues, SQLiteStore, PostgreSQLStore, PCSC, Varlink)
//   → domain (SocialSecurityCard, Registry, RegistryPostgreSQL, VirtualCard)
//   → protocol (SSCardProtocol) → daemon and client (SSCardDaemon, SSCardControl)
//   → thin executables.
import PackageDescription

let package = Package(
    name: "sscard",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sscardd", targets: ["sscardd"]),
        .executable(name: "sscardctl", targets: ["sscardctl"]),
        .executable(name: "sscard-kiosk", targets: ["sscard-kiosk"]),
        .executable(name: "sscard-vcard", targets: ["sscard-vcard"]),
        .executable(name: "sscard-bench", targets: ["sscard-bench"]),
        .executable(name: "sscard-bench-card", targets: ["sscard-bench-card"]),
        .executable(name: "sscard-bench-floor", targets: ["sscard-bench-floor"]),
        .executable(name: "sscard-faults", targets: ["sscard-faults"]),
        .executable(name: "sscard-migrate-registry", targets: ["sscard-migrate-registry"]),
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

        // Protocol: the org.sscard interfaces and their JSON.
        .target(name: "SSCardProtocol", dependencies: ["Varlink", "Registry", "SocialSecurityCard", "SSCardValues"],
                exclude: ["Interfaces"]),

        // Daemon and client.
        .target(name: "SSCardDaemon", dependencies: ["SSCardProtocol", "Registry", "RegistryPostgreSQL", "PostgreSQLStore",
                                                    "SocialSecurityCard", "PCSC", "Varlink"]),
        .target(name: "SSCardControl", dependencies: ["Varlink", "SSCardValues"]),
        .target(name: "SSCardKiosk", dependencies: ["Varlink", "SSCardValues"]),

        // Executables.
        .executableTarget(name: "sscardd", dependencies: ["SSCardDaemon"]),
        .executableTarget(name: "sscardctl", dependencies: ["SSCardControl"]),
        .executableTarget(name: "sscard-kiosk", dependencies: ["SSCardKiosk"]),
        .executableTarget(name: "sscard-vcard", dependencies: ["VirtualCard"]),
        .executableTarget(name: "sscard-docgen", dependencies: ["Registry"]),
        // Moves a service point's SQLite registry to PostgreSQL (the logic is RegistryPostgreSQL's RegistryTransfer).
        .executableTarget(name: "sscard-migrate-registry", dependencies: ["RegistryPostgreSQL", "Registry"]),
        .executableTarget(name: "sscard-bench", dependencies: ["SSCardTestSupport", "Registry", "SQLiteStore", "CSQLite", "RegistryPostgreSQL",
                                                             "PostgreSQLStore"]),
        // The daemon benchmark's floor: a plain C socket server over the same SQLite query.
        .executableTarget(name: "sscard-bench-floor", dependencies: ["CSQLite"], cSettings: [.define("_GNU_SOURCE")]),
        .executableTarget(name: "sscard-bench-card", dependencies: ["PCSC", "SocialSecurityCard", "SSCardValues"]),
        // Fault-injection runs against real daemons, pcscd and virtual cards (docs/reliability.md).
        .executableTarget(name: "sscard-faults", dependencies: ["SSCardTestSupport", "Varlink", "SSCardValues"]),
        .executableTarget(name: "sscard-decode-probe", dependencies: ["PCSC", "SocialSecurityCard", "SSCardValues", "VirtualCard"]),
        .executableTarget(name: "sscard-registry-writer", dependencies: ["Registry"],
                          path: "Tests/Support/sscard-registry-writer"),

        // Tests, and what several test targets share: the private pcscd rig and child processes.
        .target(name: "SSCardTestSupport", path: "Tests/Support/SSCardTestSupport"),
        .testTarget(name: "SSCardValuesTests", dependencies: ["SSCardValues"]),
        .testTarget(name: "SQLiteStoreTests", dependencies: ["SQLiteStore"]),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "SQLiteStore", "RegistryPostgreSQL", "PostgreSQLStore",
                                                          "SSCardTestSupport", "sscard-registry-writer",
                                                          "sscard-migrate-registry"]),
        .testTarget(name: "SocialSecurityCardTests", dependencies: ["SocialSecurityCard"]),
        .testTarget(name: "VarlinkTests", dependencies: ["Varlink", "CSystemShims", "SSCardValues"]),
        .testTarget(name: "PCSCTests", dependencies: ["PCSC"]),
        .testTarget(name: "VirtualCardTests", dependencies: ["VirtualCard", "PCSC"]),
        .testTarget(name: "PCSCIntegrationTests",
                    dependencies: ["PCSC", "SocialSecurityCard", "VirtualCard", "SSCardTestSupport", "sscard-vcard"]),
        .testTarget(name: "SSCardDaemonTests",
                    dependencies: ["SSCardDaemon", "SSCardProtocol", "SSCardControl", "Varlink", "VirtualCard", "PostgreSQLStore",
                                   "SSCardTestSupport", "sscardd", "sscardctl", "sscard-vcard"]),
        .testTarget(name: "KioskTests", dependencies: ["SSCardKiosk", "Varlink"]),
        // sscard-bench all's collation of the per-area tables (no benchmark runs in it).
        .testTarget(name: "BenchmarkTests", dependencies: ["sscard-bench"]),
    ]
)
