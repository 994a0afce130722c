import Foundation

/// `vigil-bench`: in-process measurements for Benchmarks/compare.sh (not part of `swift test`).
///   vigil-bench bus --events N --log PATH|none --subscribers K [--no-bus]
@main
struct VigilBench {
    static func main() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let command = arguments.first else {
            FileHandle.standardError.write(Data("usage: vigil-bench bus --events N --log PATH|none --subscribers K\n".utf8))
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
                    subscribers: Int(option("--subscribers", "0")) ?? 0, payloadOnly: arguments.contains("--no-bus")))
        default:
            FileHandle.standardError.write(Data("unknown benchmark \(command)\n".utf8))
            exit(2)
        }
    }
}
