import Foundation
import JSONSchema
import Testing

@testable import Vigil

@Suite struct InputSourceTests {
    func tree(_ files: [String]) throws -> URL {
        let folder = try TestEnvironment.temporaryFolder("vigil-inputs")
        for file in files {
            let url = folder.appendingPathComponent(file)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
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
        let folder = try tree([
            "data/b/2.jpg", "data/a/1.jpg", "data/a/thumbs/1.jpg", "data/c.jpg", "data/a/x.txt", "data/.hidden.jpg",
            "other/9.jpg",
        ])
        let all = InputSource(
            folder: folder, specs: [.glob(pattern: "data/**/*.jpg", exclude: ["**/thumbs/**"], limit: nil)])
        #expect(try ids(all) == ["data/a/1.jpg", "data/b/2.jpg", "data/c.jpg"])
        let top = InputSource(folder: folder, specs: [.glob(pattern: "data/*.jpg", exclude: [], limit: nil)])
        #expect(try ids(top) == ["data/c.jpg"])
        let limited = InputSource(folder: folder, specs: [.glob(pattern: "**/*.jpg", exclude: [], limit: 2)])
        #expect(try ids(limited) == ["data/a/1.jpg", "data/a/thumbs/1.jpg"])
    }

    @Test func aSymlinkLoopUnderADoubleStarIsWalkedOnce() throws {
        // The tree a user reported: validate spun at full CPU until killed.
        let folder = try tree(["data/a/1.txt", "data/b/2.txt"])
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("data/a/loop").path, withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("data/a/self").path, withDestinationPath: "../a")
        // A link to a folder not otherwise under the glob is followed, once.
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("elsewhere"), withIntermediateDirectories: true)
        try "x".write(to: folder.appendingPathComponent("elsewhere/3.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("data/linked").path, withDestinationPath: "../elsewhere")
        // A limit far above the three files: a walk that went round the loop fails here
        // instead of never ending.
        let source = InputSource(folder: folder, specs: [.glob(pattern: "data/**/*.txt", exclude: [], limit: 100)])
        #expect(try ids(source) == ["data/a/1.txt", "data/b/2.txt", "data/linked/3.txt"])
    }

    /// A record line over 16 MiB is refused with its line and length, without holding it
    /// (seen before: an 80 MB line took 24 s and 265 MB to validate); the lines around it read.
    @Test func aRecordLineOver16MiBIsRefusedWithItsLineAndLength() throws {
        let folder = try tree([])
        let long = #"{"id": "b", "text": ""# + String(repeating: "x", count: 17 << 20) + "\"}"
        try ("{\"id\": \"a\"}\n" + long + "\n{\"id\": \"c\"}\n").write(
            to: folder.appendingPathComponent("records.jsonl"), atomically: true, encoding: .utf8)
        var items = InputSource(folder: folder, specs: [.jsonl(path: "records.jsonl", idField: "id", limit: nil)])
            .makeIterator()
        #expect(try items.next()?.id == "a")
        #expect(
            throws: InputProblem(
                message:
                    "line 2 of records.jsonl is 17,825,815 bytes (17.0 MiB) long; the limit for one record is 16 MiB (a record goes into the prompt). "
                    + "Keep large content in files and list them with a glob input, or split the record",
                line: 2, isEmpty: false)
        ) { try items.next() }
        // The reader is past the long line, not inside it.
        var reader = try #require(
            JSONLinesReader(url: folder.appendingPathComponent("records.jsonl"), maximumLineLength: 1 << 20))
        #expect(try reader.next().map { Array($0) } == Array(#"{"id": "a"}"#.utf8))
        #expect(throws: JSONLinesReader.LineTooLong.self) { try reader.next() }
        #expect(try reader.next().map { Array($0) } == Array(#"{"id": "c"}"#.utf8))
        #expect(reader.lineNumber == 3)
        #expect(try reader.next() == nil)
    }

    @Test func recordsStreamWithIdsAndLimits() throws {
        let folder = try tree([])
        var lines = ""
        for index in 1...5_000 { lines += #"{"catalogNumber": "DAO-\#(index)", "text": "label \#(index)"}"# + "\n" }
        try lines.write(to: folder.appendingPathComponent("records.jsonl"), atomically: true, encoding: .utf8)
        let source = InputSource(
            folder: folder, specs: [.jsonl(path: "records.jsonl", idField: "catalogNumber", limit: nil)])
        let found = try ids(source)
        #expect(found.count == 5_000)
        #expect(found.first == "DAO-1" && found.last == "DAO-5000")
        let canary = InputSource(
            folder: folder, specs: [.jsonl(path: "records.jsonl", idField: nil, limit: nil)], limit: 3)
        #expect(try ids(canary) == ["line-1", "line-2", "line-3"])
    }

    /// A repeated id is found when its input has been read to the end (the ids are not
    /// kept, only 8-byte fingerprints) and is reported with both lines.
    @Test func aRepeatedIdIsReportedWithBothLinesAtTheEndOfItsInput() throws {
        let folder = try tree([])
        try "{\"id\": 1}\n\n{\"id\": 2}\n{\"id\": 1}\n{\"id\": 3}\n".write(
            to: folder.appendingPathComponent("r.jsonl"), atomically: true, encoding: .utf8)
        var iterator = InputSource(folder: folder, specs: [.jsonl(path: "r.jsonl", idField: "id", limit: nil)])
            .makeIterator()
        for _ in 1...4 { _ = try iterator.next() }
        #expect {
            _ = try iterator.next()
        } throws: { error in
            let problem = error as! InputProblem
            return problem.line == 4
                && problem.message == "id \"1\" on line 4 of r.jsonl appears earlier too (line 1); ids must be unique"
        }
        // Within a limit that stops before the repeat, there is none.
        let limited = InputSource(folder: folder, specs: [.jsonl(path: "r.jsonl", idField: "id", limit: 2)])
        #expect(try ids(limited) == ["1", "2"])
        let canary = InputSource(folder: folder, specs: [.jsonl(path: "r.jsonl", idField: "id", limit: nil)], limit: 2)
        #expect(try ids(canary) == ["1", "2"])
        let wider = InputSource(folder: folder, specs: [.jsonl(path: "r.jsonl", idField: "id", limit: nil)], limit: 3)
        #expect(throws: InputProblem.self) { try ids(wider) }
    }

    /// The fingerprints are sorted in place (no scratch memory): every size around the
    /// insertion-sort cut-off, few and many equal values, sorted and reversed runs.
    @Test func fingerprintsSortInPlace() {
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 2, 3, 15, 16, 17, 18, 33, 100, 1_000, 50_000] {
            for spread in [1, 3, size + 1, Int.max] {
                var values = (0..<size).map { _ in Int.random(in: 0..<max(1, spread), using: &generator) }
                if spread == 3 { values.sort() }
                if spread == size + 1 { values.sort(by: >) }
                let expected = values.sorted()
                values.withUnsafeMutableBufferPointer { IDFingerprints.sortInPlace($0) }
                #expect(values == expected, "size \(size), spread \(spread)")
            }
        }
        var fingerprints = IDFingerprints()
        for index in 0..<20_000 { fingerprints.add("id-\(index % 19_999)") }
        #expect(fingerprints.repeated() == ["id-0".hashValue])
        #expect(fingerprints.count == 0)
    }

    /// Different ids that share a fingerprint are not a repeat: every suspicion is checked
    /// against the ids themselves. Here every id collides.
    @Test func idsThatShareAFingerprintAreNotReported() throws {
        let folder = try tree([])
        var lines = ""
        for index in 1...1_000 { lines += #"{"id": "R\#(index)"}"# + "\n" }
        try lines.write(to: folder.appendingPathComponent("r.jsonl"), atomically: true, encoding: .utf8)
        var source = InputSource(folder: folder, specs: [.jsonl(path: "r.jsonl", idField: "id", limit: nil)])
        source.fingerprint = { _ in 42 }
        #expect(try ids(source).count == 1_000)
        try (lines + #"{"id": "R500"}"# + "\n").write(
            to: folder.appendingPathComponent("r.jsonl"), atomically: true, encoding: .utf8)
        #expect {
            try ids(source)
        } throws: { error in
            (error as! InputProblem).message
                == "id \"R500\" on line 1001 of r.jsonl appears earlier too (line 500); ids must be unique"
        }
    }

    @Test func aMissingFolderIsReported() {
        var iterator = InputSource(
            folder: URL(fileURLWithPath: "/nonexistent-vigil"),
            specs: [.glob(pattern: "x/*.txt", exclude: [], limit: nil)]
        ).makeIterator()
        #expect(throws: InputProblem.self) { _ = try iterator.next() }
    }
}
