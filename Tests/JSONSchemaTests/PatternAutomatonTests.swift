import Foundation
import TestSupport
import Testing

@testable import JSONSchema

/// The automaton that runs regular patterns must give ECMA-262's answer: thousands of
/// generated patterns, each against strings with ASCII, accents, astral scalars and line
/// terminators, checked against a JavaScript engine (`node`, `new RegExp(p, "u").test(s)`),
/// the reference for what `pattern` means. (ICU is not the reference: on nested loops that
/// can match empty it answers "no match" where ECMA-262 matches.)
@Suite struct PatternAutomatonTests {
    /// ECMA-262's answers for `cases`, from node in one process.
    func ecmaAnswers(_ cases: [(String, String)]) throws -> [Bool] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-regex-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("cases.json")
        let json = JSONValue.array(cases.map { .array([.string($0.0), .string($0.1)]) })
        try Data(json.jsonText().utf8).write(to: input)
        let script =
            #"const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); "#
            + #"process.stdout.write(JSON.stringify(c.map(([p, s]) => new RegExp(p, "u").test(s))));"#
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["node", "-e", script, input.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, case .array(let answers) = try JSONParser().parse(Array(data)) else {
            throw TestSupportError("node is needed as the ECMA-262 reference (.ci/run installs it) and did not answer")
        }
        return answers.map { $0 == .bool(true) }
    }

    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }

        mutating func atom(depth: Int) -> String {
            switch next(depth > 2 ? 7 : 9) {
            case 0: return ["a", "b", "A", "0", "-", " ", "é", "😀"][next(8)]
            case 1: return "."
            case 2: return ["\\d", "\\w", "\\s", "\\D", "\\W", "\\S", "\\.", "\\-"].map { $0 }[next(7)]
            case 3: return ["[a-c]", "[^a]", "[A-Z0-9-]", "[\\d.]", "[é😀]", "[^\\s]", "[-a]"][next(7)]
            case 4: return "^"
            case 5: return "$"
            case 6: return ["a", "b"][next(2)]
            case 7: return "(" + sequence(depth: depth + 1) + ")"
            default: return "(?:" + sequence(depth: depth + 1) + "|" + sequence(depth: depth + 1) + ")"
            }
        }

        mutating func quantified(depth: Int) -> String {
            let atom = atom(depth: depth)
            if atom == "^" || atom == "$" { return atom }
            switch next(9) {
            case 0: return atom + "*"
            case 1: return atom + "+"
            case 2: return atom + "?"
            case 3: return atom + "{\(next(3))}"
            case 4: return atom + "{\(next(2)),}"
            case 5: return atom + "{1,\(1 + next(3))}"
            case 6: return atom + "+?"
            default: return atom
            }
        }

        mutating func sequence(depth: Int) -> String {
            (0..<(1 + next(4))).map { _ in quantified(depth: depth) }.joined()
        }

        mutating func string() -> String {
            let alphabet = ["a", "b", "A", "Z", "0", "7", "-", " ", "\n", "é", "😀", "_", "."]
            return (0..<next(8)).map { _ in alphabet[next(alphabet.count)] }.joined()
        }
    }

    @Test func agreesWithECMA262OnGeneratedPatterns() throws {
        var generator = Generator(state: 20_261_123)
        var cases: [(String, String)] = []
        var automata: [ScalarAutomaton] = []
        for _ in 0..<3000 {
            let pattern =
                generator.next(5) == 0
                ? generator.sequence(depth: 0) + "|" + generator.sequence(depth: 0) : generator.sequence(depth: 0)
            guard let automaton = ScalarAutomaton.compile(pattern) else { continue }
            for _ in 0..<12 {
                cases.append((pattern, generator.string()))
                automata.append(automaton)
            }
        }
        #expect(cases.count > 20_000)
        let expected = try ecmaAnswers(cases)
        var disagreements: [String] = []
        for (index, (pattern, string)) in cases.enumerated() where automata[index].matches(string) != expected[index] {
            disagreements.append("/\(pattern)/ on \(string.debugDescription): ECMA-262 says \(expected[index])")
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, e.g. \(disagreements.prefix(5))")
    }

    @Test func theDarwinCorePatternsRunOnTheAutomaton() throws {
        for pattern in [
            "^[A-Z][A-Z0-9-]{1,15}$", "^[A-Z][a-z-]+( [a-z-]+)?", "^[A-Z][a-z]+(aceae|ae)$",
            "^[12][0-9]{3}(-(0[1-9]|1[0-2]))?$",
            "^[12][0-9]{3}(-[0-9]{2}(-[0-9]{2})?)?/[12][0-9]{3}(-[0-9]{2}(-[0-9]{2})?)?$", "^[A-Z]{2}$",
        ] {
            #expect(ScalarAutomaton.compile(pattern) != nil, "\(pattern)")
        }
        let family = try #require(ScalarAutomaton.compile("^[A-Z][a-z]+(aceae|ae)$"))
        #expect(
            family.matches("Salicaceae") && family.matches("Compositae") && !family.matches("Salicaceae ")
                && !family.matches("salicaceae"))
    }

    @Test func otherConstructsAreLeftToICU() {
        for pattern in [
            "(?=a)", "(?!a)b", "(?<=a)b", "(a)\\1", "\\bword", "\\p{L}", "\\u0041", "\\x41", "a{2,1000}", "(?<name>a)",
        ] {
            #expect(ScalarAutomaton.compile(pattern) == nil, "\(pattern)")
        }
    }
}

struct TestSupportError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
