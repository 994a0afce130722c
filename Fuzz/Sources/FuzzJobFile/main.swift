import Foundation
import Vigil

/// Bytes as a job file beside a prompt, a schema and a JSON Lines input, loaded as `vigil
/// validate` loads one: a job or located diagnostics, never a crash, a hang or a runaway.
let folder: URL = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-fuzz-job-\(getpid())")
    try? FileManager.default.createDirectory(at: folder.appendingPathComponent("data"), withIntermediateDirectories: true)
    FileManager.default.createFile(atPath: folder.appendingPathComponent("prompt.md").path, contents: Data("Extract the record.\n".utf8))
    FileManager.default.createFile(atPath: folder.appendingPathComponent("schema.json").path, contents: Data(#"{"type": "object"}"#.utf8))
    FileManager.default.createFile(atPath: folder.appendingPathComponent("records.jsonl").path, contents: Data("{\"id\": \"a\"}\n{\"id\": \"b\"}\n".utf8))
    FileManager.default.createFile(atPath: folder.appendingPathComponent("data/one.txt").path, contents: Data("one\n".utf8))
    return folder
}()
let job = folder.appendingPathComponent("job.yaml")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FileManager.default.createFile(atPath: job.path, contents: Data(bytes: data, count: size))
    let validation = JobLoader(purpose: .validate, environment: ["OPENAI_API_KEY": "sk-fuzz"]).load(job.path)
    for diagnostic in validation.diagnostics { _ = diagnostic.description }
    return 0
}
