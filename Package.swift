// swift-tools-version: 6.1
import PackageDescription

/// Flags shared by every target: Swift 6 strict concurrency plus the upcoming features
/// swift-log enables, so the code base stays explicit about existentials and imports.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Vigil", targets: ["Vigil"]),
        .library(name: "JSONSchema", targets: ["JSONSchema"]),
        // For Fuzz/ (built by Scripts/fuzz.sh) and the tests that replay its findings.
        .library(name: "VigilFuzzHarness", targets: ["VigilFuzzHarness"]),
        .executable(name: "vigil", targets: ["VigilCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The response cache: SQLite (the system's libsqlite3) in WAL mode.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // `vigil serve`: the live dashboard (HTTP and Server-Sent Events on 127.0.0.1).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // The prometheus consumer: a collector registry and its text exposition (swift-metrics' Prometheus backend).
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The opentelemetry consumer: spans exported over OTLP (HTTP or gRPC, as OTEL_* say).
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        // The coordinator: the shards of a run share one budget, one rate limit and one verdict
        // in PostgreSQL (an async driver with no libpq).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // `vigil export`: RFC 4180 quoting of CSV and TSV (a well-kept writer, not hand-rolled quoting).
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        // Only the tests use NIO directly: a real HTTP server on 127.0.0.1 for the provider.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // A draft 2020-12 JSON Schema validator with its own exact JSON value type.
        // Standalone: it depends on nothing else in Vigil and on no package.
        .target(
            name: "JSONSchema",
            swiftSettings: swiftSettings
        ),
        // stat(2) as a plain C struct: Swift cannot name `struct stat`'s members the same way in
        // debug and release builds under MemberImportVisibility (see its header).
        .target(name: "CFileStat"),
        // TIOCGWINSZ: the live views fit the terminal's width (ioctl(2) is variadic, so C).
        .target(name: "CTerminalSize"),
        // The library that does Vigil's work; the CLI is a thin layer over it.
        .target(
            name: "Vigil",
            dependencies: [
                "JSONSchema",
                "CFileStat",
                "CTerminalSize",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "CSV", package: "CSV.swift"),
                // SIGWINCH: a live view redraws when its terminal is resized.
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The process's arguments as the C runtime passed them: a static binary's
        // CommandLine.arguments come from /proc, which a chroot may not have.
        .target(name: "CProcessArguments"),
        .executableTarget(
            name: "VigilCLI",
            dependencies: [
                "Vigil",
                "CProcessArguments",
                "JSONSchema",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // In-process benchmarks, run by Benchmarks/compare.sh; never by `swift test`.
        .executableTarget(
            name: "vigil-bench",
            dependencies: ["Vigil", "JSONSchema", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/VigilBench",
            swiftSettings: swiftSettings
        ),
        // What each fuzz target does with one input (Fuzz/ runs it under libFuzzer; the
        // tests replay every finding through it).
        .target(
            name: "VigilFuzzHarness",
            dependencies: ["Vigil", "JSONSchema"],
            path: "Fuzz/Harness",
            swiftSettings: swiftSettings
        ),
        // What both test targets share: starting programs (`ChildProcess`, not Foundation's `Process`).
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JSONSchemaTests",
            dependencies: ["JSONSchema", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilTests",
            dependencies: [
                "Vigil", "JSONSchema", "VigilCLI", "TestSupport", "VigilFuzzHarness",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: [
                "Schemas/crosscheck_corpus.py", "Fixtures", "Browser/browse.py", "Slurm/slurm-up.sh",
                "Slurm/slurm-down.sh", "Images/images.py",
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
