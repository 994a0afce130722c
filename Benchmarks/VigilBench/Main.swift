import Foundation

/// `vigil-bench`: in-process measurements for Benchmarks/compare.sh (not part of `swift test`).
///   vigil-bench bus --events N --log PATH|none --subscribers K [--no-bus | --format-only]
///   vigil-bench runner --items N --concurrency C
///   vigil-bench schema --schema FILE --records FILE.jsonl
///   vigil-bench coordinator --url postgres://... --run ID --reservations N --concurrency C
@main
struct VigilBench {
    static func main() async {
        do {
            try await measure()
        } catch {
            FileHandle.standardError.write(Data("vigil-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func measure() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let command = arguments.first else {
            FileHandle.standardError.write(
                Data("usage: vigil-bench bus --events N --log PATH|none --subscribers K\n".utf8))
            exit(2)
        }
        arguments.removeFirst()
        func option(_ name: String, _ fallback: String) -> String {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
            return arguments[index + 1]
        }
        switch command {
        case "bus":
            let log = option("--log", "none")
            print(
                try BusBenchmark.run(
                    events: Int(option("--events", "200000")) ?? 200_000, log: log == "none" ? nil : log,
                    subscribers: Int(option("--subscribers", "0")) ?? 0,
                    mode: arguments.contains("--no-bus")
                        ? .payloadOnly : arguments.contains("--format-only") ? .formatOnly : .publish))
        case "runner":
            print(
                try await RunnerBenchmark.run(
                    items: Int(option("--items", "100000")) ?? 100_000,
                    concurrency: Int(option("--concurrency", "2")) ?? 2))
        case "schema":
            print(
                try SchemaBenchmark.run(
                    schema: option("--schema", "jobs/schemas/dwc-record.schema.json"), records: option("--records", ""))
            )
        case "coordinator":
            print(
                try await CoordinatorBenchmark.run(
                    url: option("--url", ""), run: option("--run", "bench"),
                    reservations: Int(option("--reservations", "2000")) ?? 2000,
                    concurrency: Int(option("--concurrency", "4")) ?? 4))
        default:
            FileHandle.standardError.write(Data("unknown benchmark \(command)\n".utf8))
            exit(2)
        }
    }
}
