import Foundation
import JSONSchema
import Testing
import Vigil

@Suite struct YAMLLoaderTests {
    func load(_ text: String, limit: Int = 8 << 20) throws(Diagnostic) -> LocatedValue {
        try YAMLLoader(maximumFileSize: limit).load(bytes: Array(text.utf8), file: "job.yaml")
    }

    func diagnostic(_ bytes: [UInt8], limit: Int = 8 << 20) -> Diagnostic? {
        do {
            _ = try YAMLLoader(maximumFileSize: limit).load(bytes: bytes, file: "job.yaml")
            return nil
        } catch {
            return error
        }
    }

    func diagnostic(_ text: String) -> Diagnostic? { diagnostic(Array(text.utf8)) }

    @Test func yaml12MeansWhatItSays() throws {
        let value = try load(
            "events: [on, off, yes, no]\ncountry: NO\nmode: 010\nhex: 0x1F\nflag: true\nempty:\nratio: .5\n")
        #expect(value.json["events"] == ["on", "off", "yes", "no"])
        #expect(value.json["country"] == "NO")
        #expect(value.json["mode"] == 10)
        #expect(value.json["hex"] == 31)
        #expect(value.json["flag"] == true)
        #expect(value.json["empty"] == .null)
        #expect(value.json["ratio"] == 0.5)
    }

    @Test func quotedAndTaggedScalarsStayStrings() throws {
        let value = try load("a: \"true\"\nb: '12'\nc: !!str 12\nd: |\n  text\n")
        #expect(value.json == ["a": "true", "b": "12", "c": "12", "d": "text\n"])
    }

    @Test func everyKeyAndValueIsLocated() throws {
        let value = try load("version: 1\nmodel:\n  provider: openai\n  name: gpt\n")
        #expect(value.member("model")?.keyLocation == SourceLocation(file: "job.yaml", line: 2, column: 1))
        #expect(value.location(ofPointer: "/model/name") == SourceLocation(file: "job.yaml", line: 4, column: 9))
        #expect(
            value.location(ofPointer: "/model/name", preferKey: true)
                == SourceLocation(file: "job.yaml", line: 4, column: 3))
        #expect(value.location(ofPointer: "/model/missing") == SourceLocation(file: "job.yaml", line: 3, column: 3))
    }

    @Test func byteOrderMarkIsAccepted() throws {
        let value = try YAMLLoader().load(bytes: [0xEF, 0xBB, 0xBF] + Array("a: 1\n".utf8), file: "job.yaml")
        #expect(value.json == ["a": 1])
    }

    @Test(arguments: [
        ("", Diagnostic.Code.yamlEmpty, 1, 1),
        ("# only a comment\n", .yamlEmpty, 1, 1),
        ("a: 1\n---\nb: 2\n", .yamlMultipleDocuments, 2, 1),
        ("a: [1, 2\nb: 3\n", .yamlSyntax, 2, 2),
        ("x: .inf\n", .yamlUnsupportedValue, 1, 4),
        ("? [a, b]\n: 1\n", .yamlUnsupportedValue, 1, 3),
        ("x: !custom 1\n", .yamlUnsupportedValue, 1, 4),
    ])
    func refusesWithLocation(text: String, code: Diagnostic.Code, line: Int, column: Int) throws {
        let found = try #require(diagnostic(text))
        #expect(found.code == code)
        #expect(found.location.line == line && found.location.column == column, "\(found)")
    }

    @Test func duplicateKeyIsReportedAtTheRepeatNamingTheFirst() throws {
        let text = "version: 1\nmodel:\n  name: a\n  provider: command\n  name: b\n"
        let found = try #require(diagnostic(text))
        #expect(found.code == .yamlDuplicateKey)
        #expect(found.location == SourceLocation(file: "job.yaml", line: 5, column: 3))
        #expect(found.message == "duplicate key \"name\" (first defined at line 3, column 3)")
    }

    @Test func duplicateKeyInFlowMapping() throws {
        let found = try #require(diagnostic("limits: {a: 1, b: 2, a: 3}\n"))
        #expect(found.code == .yamlDuplicateKey)
        #expect(found.location.line == 1 && found.location.column == 22)
    }

    @Test func nonUTF8IsRefusedAtTheBadByte() throws {
        let found = try #require(diagnostic(Array("name: caf".utf8) + [0xE9] + Array("\n".utf8)))
        #expect(found.code == .yamlEncoding)
        #expect(found.location.line == 1 && found.location.column == 10)
        #expect(found.message.contains("0xE9"))
    }

    @Test func oversizedFileIsRefused() throws {
        let found = try #require(diagnostic(Array(repeating: UInt8(ascii: "a"), count: 2_000), limit: 1_000))
        #expect(found.code == .yamlTooLarge)
    }

    /// Issue 12, defect 6: a 64 MiB "job" took 3 s to refuse, all of it reading the file
    /// for the diagnostic's source excerpt. Its size is known from stat before a byte is read.
    @Test func anOversizedJobIsRefusedWithoutReadingIt() throws {
        let folder = try TestEnvironment.temporaryFolder("vigil-huge")
        let path = folder.appendingPathComponent("huge.yaml").path
        // Sparse: 64 MiB long, nothing on disk; reading it would still cost the 64 MiB.
        #expect(FileManager.default.createFile(atPath: path, contents: Data("name: x\n".utf8)))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 64 << 20)
        try handle.close()
        let validation = JobLoader().load(path)
        #expect(validation.errors.map(\.code) == [.yamlTooLarge])
        #expect(validation.errors.first?.message == "file is 64 MiB; the limit is 1 MiB")
        // The renderer shows no excerpt of it (which would mean reading it all).
        #expect(SourceText.lines(ofFile: path)?.count == nil)
        #expect(DiagnosticRenderer(format: .text).render(validation.errors).split(separator: "\n").count == 2)
    }

    /// libyaml's nesting limit, said as what it means, at the line and column where it was reached.
    @Test func nestingDeeperThan1000LevelsIsRefusedPlainly() throws {
        let deep = diagnostic(
            "version: 1\nx: " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "\n")
        #expect(deep?.code == .yamlSyntax)
        #expect(deep?.message == "the YAML nests more than 1,000 lists or mappings deep; refusing it")
        #expect(deep?.location.line == 2)
        // 999 levels are a document like any other.
        #expect(
            diagnostic("x: " + String(repeating: "[", count: 999) + String(repeating: "]", count: 999) + "\n") == nil)
    }

    @Test func aliasBombIsRefusedInMilliseconds() throws {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        let clock = ContinuousClock()
        var found: Diagnostic?
        let elapsed = clock.measure { found = diagnostic(text) }
        #expect(found?.code == .yamlAliasExpansion)
        // Milliseconds when refused at the budget; an expansion would not end (10^10 values).
        // The bound leaves a loaded 2-core machine room.
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }

    @Test func smallAliasesAreFine() throws {
        let value = try load("base: &base {retries: 3}\njob: *base\n")
        #expect(value.json["job"] == ["retries": 3])
    }
}
