import Foundation
import JSONSchema
import Vigil

/// What Vigil costs per item when the model costs nothing: a JSON Lines job of N records run
/// by the real engine (events log, results file, thresholds, checkpoints) with an in-process
/// provider that answers at once. Prints one JSON line: items, seconds (the run), us_per_item,
/// setup_seconds (validation, inputs.jsonl digests), and the peak resident memory of the
/// setup and of the run, each measured on its own (VmHWM, reset between).
enum RunnerBenchmark {
    /// Answers every item at once with a valid record; exists for this benchmark only.
    struct NoOpProvider: ModelProvider {
        var description: String { "no-op (benchmark)" }
        func answer(_ request: ItemRequest) async throws(ItemFailure) -> ProviderAnswer {
            ProviderAnswer(text: #"{"n": 1, "scientificName": "Quercus alba"}"#)
        }
    }

    static func run(items count: Int, concurrency: Int) async throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-runner-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // The records, written in 1 MiB pieces (memory does not hold them all).
        let records = FileManager.default.createFile(
            atPath: folder.appendingPathComponent("records.jsonl").path, contents: nil)
        precondition(records)
        let handle = try FileHandle(forWritingTo: folder.appendingPathComponent("records.jsonl"))
        var chunk = ""
        for index in 1...count {
            chunk +=
                #"{"id": "r\#(index)", "text": "specimen \#(index), Quercus alba L., AAFC-\#(100_000 + index)"}"# + "\n"
            if chunk.utf8.count > 1 << 20 {
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        handle.write(Data(chunk.utf8))
        try handle.close()
        try "Extract.\n".write(to: folder.appendingPathComponent("prompt.md"), atomically: true, encoding: .utf8)
        let digest = FileDigest.sha256(of: folder.appendingPathComponent("prompt.md"))!
        let job = """
            version: 1
            name: runner-bench
            inputs:
              - jsonl: records.jsonl
                id_field: id
            model: { provider: command, command: ["true"] }
            prompt: { file: prompt.md, sha256: \(digest) }
            success: { required_fields: [n] }
            thresholds:
              early: { after: 5, min_success_rate: 0.5 }
              window: { size: 100, min_success_rate: 0.5, action: abort }
            execution: { concurrency: \(concurrency) }
            checkpoint: { every: 1000 }
            output: { dir: runs }

            """
        let jobPath = folder.appendingPathComponent("job.yaml").path
        try job.write(toFile: jobPath, atomically: true, encoding: .utf8)

        let clock = ContinuousClock()
        let setupStart = clock.now
        resetPeakResident()
        let validation = JobLoader(purpose: .run).load(jobPath)
        guard let spec = validation.job else {
            throw BenchmarkError("the benchmark job is invalid: \(validation.diagnostics)")
        }
        let engine = try RunEngine(job: spec, setup: try await RunSetup.newRun(of: spec), provider: NoOpProvider())
        let setupPeak = peakResidentMegabytes()
        // From here the peak is the run's own: what grows with the items, if anything.
        resetPeakResident()
        let runStart = clock.now
        let summary = await engine.run()
        let end = clock.now
        guard summary.counts.succeeded == count else {
            throw BenchmarkError("expected \(count) successes, got \(summary.counts)")
        }
        let seconds = (end - runStart).seconds
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("items")
        writer.int(count)
        writer.key("concurrency")
        writer.int(concurrency)
        writer.key("seconds")
        writer.double(rounded(seconds))
        writer.key("us_per_item")
        writer.double(rounded(seconds / Double(count) * 1e6))
        writer.key("setup_seconds")
        writer.double(rounded((runStart - setupStart).seconds))
        writer.key("setup_peak_rss_mb")
        writer.double(rounded(setupPeak))
        writer.key("run_peak_rss_mb")
        writer.double(rounded(peakResidentMegabytes()))
        writer.endObject()
        return writer.text
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

/// The process's peak resident set since start or the last reset (VmHWM), in MB.
func peakResidentMegabytes() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kilobytes = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    else { return 0 }
    return kilobytes / 1024
}

/// Starts the peak resident set again from the current one (Linux: `5` to clear_refs).
func resetPeakResident() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
