// swift-tools-version: 6.1
import PackageDescription

/// Coverage-guided fuzz targets (libFuzzer) for Vigil's readers of outside input. Built and
/// run by `Scripts/fuzz.sh`, never by `swift build` or `swift test` at the root: libFuzzer
/// supplies `main`, so these only link with `--sanitize=fuzzer`.
///
/// `Scripts/fuzz.sh` copies the repository's sources to `.build-fuzz/vigil` first (a package
/// found by path is named after its folder, and a clone's may have any name; and a long build
/// must not fail because a file changed under it).
let package = Package(
    name: "VigilFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "../.build-fuzz/vigil")],
    targets: [
        // The job file as `vigil validate` reads it: YAML (libyaml through Yams), job decoding, every check.
        .executableTarget(name: "FuzzJobFile", dependencies: [.product(name: "VigilFuzzHarness", package: "vigil")]),
        // JSON text: parse, write, parse again.
        .executableTarget(name: "FuzzJSONParser", dependencies: [.product(name: "VigilFuzzHarness", package: "vigil")]),
        // A JSON Schema compiled, and an instance validated by it.
        .executableTarget(name: "FuzzSchema", dependencies: [.product(name: "VigilFuzzHarness", package: "vigil")]),
        // A JSON Lines input read as a run reads it.
        .executableTarget(name: "FuzzJSONLines", dependencies: [.product(name: "VigilFuzzHarness", package: "vigil")]),
        // A model's answer: JSON alone, in a fence, or in prose.
        .executableTarget(name: "FuzzAnswer", dependencies: [.product(name: "VigilFuzzHarness", package: "vigil")]),
    ]
)
