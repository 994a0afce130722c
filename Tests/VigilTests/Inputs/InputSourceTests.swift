import Foundation
import JSONSchema
import Testing
import Vigil

@Suite struct InputSourceTests {
    func tree(_ files: [String]) throws -> URL {
        let folder = try TestEnvironment.temporaryFolder("vigil-inputs")
        for file in files {
            let url = folder.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try file.write(to: url, atomically: true, encoding: .utf8)
        }
        return folder
    }

    func ids(_ source: InputSource) throws -> [String] {
        var iterator = source.makeIterator()
        var ids: [String] = []
        while let item = try iterator.next() { ids.append(item.id) }
        return ids
    }

    @Test func globsWalkFolderByFolderInSortedOrder() throws {
        let folder = try tree(["data/b/2.jpg", "data/a/1.jpg", "data/a/thumbs/1.jpg", "data/c.jpg", "data/a/x.txt", "data/.hidden.jpg", "other/9.jpg"])
        let all = InputSource(folder: folder, specs: [.glob(pattern: "data/**/*.jpg", exclude: ["**/thumbs/**"], limit: nil)])
        #expect(try ids(all) == ["data/a/1.jpg", "data/b/2.jpg", "data/c.jpg"])
        let top = InputSource(folder: folder, specs: [.glob(pattern: "data/*.jpg", exclude: [], limit: nil)])
        #expect(try ids(top) == ["data/c.jpg"])
        let limited = InputSource(folder: folder, specs: [.glob(pattern: "**/*.jpg", exclude: [], limit: 2)])
        #expect(try ids(limited) == ["data/a/1.jpg", "data/a/thumbs/1.jpg"])
    }

    @Test func recordsStreamWithIdsAndLimits() throws {
        let folder = try tree([])
        var lines = ""
        for index in 1...5_000 { lines += #"{"catalogNumber": "DAO-\#(index)", "text": "label \#(index)"}"# + "\n" }
        try lines.write(to: folder.appendingPathComponent("records.jsonl"), atomically: true, encoding: .utf8)
        let source = InputSource(folder: folder, specs: [.jsonl(path: "records.jsonl", idField: "catalogNumber", limit: nil)])
        let found = try ids(source)
        #expect(found.count == 5_000)
        #expect(found.first == "DAO-1" && found.last == "DAO-5000")
        let canary = InputSource(folder: folder, specs: [.jsonl(path: "records.jsonl", idField: nil, limit: nil)], limit: 3)
        #expect(try ids(canary) == ["line-1", "line-2", "line-3"])
    }

    @Test func aBadRecordStopsTheEnumerationWithItsLine() throws {
        let folder = try tree([])
        try "{\"id\": 1}\n{\"id\": 2}\n{\"id\": 1}\n".write(to: folder.appendingPathComponent("r.jsonl"), atomically: true, encoding: .utf8)
        var iterator = InputSource(folder: folder, specs: [.jsonl(path: "r.jsonl", idField: "id", limit: nil)]).makeIterator()
        _ = try iterator.next()
        _ = try iterator.next()
        #expect {
            _ = try iterator.next()
        } throws: { error in
            (error as! InputProblem).line == 3
        }
    }

    @Test func aMissingFolderIsReported() {
        var iterator = InputSource(folder: URL(fileURLWithPath: "/nonexistent-vigil"), specs: [.glob(pattern: "x/*.txt", exclude: [], limit: nil)]).makeIterator()
        #expect(throws: InputProblem.self) { _ = try iterator.next() }
    }
}
