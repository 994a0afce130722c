import Foundation
import Vigil

/// Bytes as a JSON Lines input file, read as `vigil validate` and a run read it (ids from
/// `id`, repeated ids checked): every record or a located problem, never a crash.
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-fuzz-jsonl-\(getpid())")
let file = folder.appendingPathComponent("records.jsonl")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    FileManager.default.createFile(atPath: file.path, contents: Data(bytes: data, count: size))
    for idField in ["id", nil] {
        let source = InputSource(folder: folder, specs: [.jsonl(path: "records.jsonl", idField: idField, limit: nil)])
        var items = source.makeIterator()
        do {
            while let item = try items.next() { _ = item.id }
        } catch {
            _ = error.message
        }
    }
    return 0
}
