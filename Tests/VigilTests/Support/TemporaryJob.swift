import Foundation
import Vigil

/// A job in a temporary folder: `count` label files, a prompt (pinned), a success schema,
/// and an extractor script written by the test. Shared by the run tests.
struct TemporaryJob {
    let folder: URL
    let path: String

    /// A Python extractor: `answer` is Python code computing `answer` (a dict or a string)
    /// from `request` and `text` (the item's file).
    static func extractor(_ answer: String, persistent: Bool = false) -> String {
        """
        import json, os, sys, time
        def respond(request):
            text = open(request["path"]).read() if "path" in request else json.dumps(request.get("record"))
            n = int(text.split()[-1]) if text.split() and text.split()[-1].isdigit() else 0
        \(answer.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            return answer
        if \(persistent ? "True" : "False"):
            for line in sys.stdin:
                request = json.loads(line)
                answer = respond(request)
                print(json.dumps({"id": request["id"], "result": answer}), flush=True)
        else:
            answer = respond(json.loads(sys.stdin.read()))
            print(answer if isinstance(answer, str) else json.dumps(answer))
        """
    }

    /// `model` replaces the command provider section (e.g. an openai provider).
    init(
        items count: Int, extractor: String, mode: String = "per-item", model: String? = nil, extra: String = "",
        thresholds: String = "thresholds:\n  early: { after: 5, min_success_rate: 0.5 }\n", concurrency: Int = 2,
        retries: String = "{ max_attempts: 2, initial_delay: 10ms, max_delay: 20ms }"
    ) throws {
        folder = try TestEnvironment.temporaryFolder("vigil-run")
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: folder.appendingPathComponent("items"), withIntermediateDirectories: true)
        for index in 1...count {
            try "item \(index)\n".write(
                to: folder.appendingPathComponent(String(format: "items/item-%03d.txt", index)), atomically: true,
                encoding: .utf8)
        }
        try "Answer with Darwin Core JSON.\n".write(
            to: folder.appendingPathComponent("prompt.md"), atomically: true, encoding: .utf8)
        try #"{"type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "minimum": 1}}}"#
            .write(to: folder.appendingPathComponent("schema.json"), atomically: true, encoding: .utf8)
        try extractor.write(to: folder.appendingPathComponent("extract.py"), atomically: true, encoding: .utf8)
        let digest = FileDigest.sha256(of: folder.appendingPathComponent("prompt.md"))!
        let job = """
            version: 1
            name: test-job
            inputs:
              - glob: items/*.txt
            \(model ?? "model:\n  provider: command\n  command: [python3, extract.py]\n  mode: \(mode)\n  timeout: 60s")
            prompt:
              file: prompt.md
              sha256: \(digest)
            success:
              schema: schema.json
            \(thresholds)execution:
              concurrency: \(concurrency)
              retries: \(retries)
            checkpoint: { every: 5 }
            output: { dir: runs }

            """ + extra
        path = folder.appendingPathComponent("job.yaml").path
        try job.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Loads the job (it must be valid) and prepares an engine.
    func engine(
        options: RunOptions = RunOptions(progressInterval: .milliseconds(200)),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        provider: (any ModelProvider)? = nil
    ) async throws -> RunEngine {
        let validation = JobLoader(purpose: .run, environment: environment).load(path)
        guard let job = validation.job else {
            throw TestFailure("the test job is invalid: \(validation.diagnostics)")
        }
        return try RunEngine(
            job: job, setup: try await RunSetup.newRun(of: job),
            provider: provider ?? ProviderFactory.make(for: job, environment: environment), options: options)
    }

    func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
