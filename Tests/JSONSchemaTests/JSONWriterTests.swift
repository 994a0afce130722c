import Foundation
import JSONSchema
import Testing

/// The writer escapes strings eight bytes at a time (a short tail as a padded word) and in
/// 4 KiB slices; these tests aim at the edges of both.
@Suite struct JSONWriterTests {
    func written(_ text: String) -> String {
        var writer = JSONWriter(capacity: 16)
        writer.string(text)
        return writer.text
    }

    @Test func escapesWhatJSONRequiresAndNothingElse() {
        #expect(written("") == #""""#)
        #expect(written("a") == #""a""#)
        #expect(written("\"") == #""\"""#)
        #expect(written("\\") == #""\\""#)
        #expect(written("a\nb\rc\td") == #""a\nb\rc\td""#)
        #expect(written("\u{01}\u{1F}") == #""\u0001\u001f""#)
        #expect(written("\u{7F}é𝄞/") == "\"\u{7F}é𝄞/\"")
        // A quote in each position of a word and of a tail.
        for length in 1...17 {
            for position in 0..<length {
                var characters = Array(repeating: "x", count: length)
                characters[position] = "\""
                let expected = "\"" + characters.map { $0 == "\"" ? "\\\"" : $0 }.joined() + "\""
                #expect(written(characters.joined()) == expected, "length \(length), quote at \(position)")
            }
        }
    }

    /// Random strings over an alphabet of plain ASCII, every control byte, quote, backslash
    /// and multi-byte characters, of every length up to 40: what the writer writes must
    /// parse back to the same string and hold no raw control byte.
    @Test func randomStringsRoundTrip() throws {
        let seed = UInt64(Date().timeIntervalSince1970 * 1000)
        var generator = SeededGenerator(seed: seed)
        let alphabet: [String] =
            ["a", "Z", "0", " ", "\"", "\\", "/", "é", "€", "𝄞", "\u{7F}"]
            + (0..<32).map { String(UnicodeScalar(UInt8($0))) }
        for _ in 0..<3000 {
            let length = Int.random(in: 0...40, using: &generator)
            let text = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            let json = written(text)
            #expect(!json.utf8.contains { $0 < 0x20 }, "seed \(seed): raw control byte in \(json.debugDescription)")
            #expect(try JSONParser().parse(json) == .string(text), "seed \(seed): \(text.debugDescription) -> \(json)")
        }
    }

    @Test func longStringsCrossSliceBoundaries() throws {
        // Escapes on both sides of every 4 KiB slice edge, and output past the first growth.
        let text = String(
            (0..<20_000).map { index -> Character in
                index % 4096 == 4095 || index % 4096 == 0 || index % 7 == 0 ? "\"" : "a"
            })
        let json = written(text)
        #expect(try JSONParser().parse(json) == .string(text))
        #expect(json.utf8.count == text.utf8.count + text.filter { $0 == "\"" }.count + 2)
    }

    @Test func integersOfEveryLength() {
        var values = [0, 1, -1, 9, 10, -10, 99, 100, Int.max, Int.min, Int.min + 1]
        var power = 1
        for _ in 1...18 {
            power *= 10
            values += [power - 1, power, power + 1, -(power - 1), -power]
        }
        for value in values {
            var writer = JSONWriter(capacity: 16)
            writer.beginArray()
            writer.int(value)
            writer.int(value)
            writer.endArray()
            #expect(writer.text == "[\(value),\(value)]")
        }
    }

    @Test func valuesAndSortedKeys() throws {
        let value = try JSONParser().parse(#"{"b": [1, -2, 2.5, true, null, "s"], "a": {"y": {}, "x": []}}"#)
        var writer = JSONWriter()
        writer.value(value)
        #expect(writer.text == #"{"b":[1,-2,2.5,true,null,"s"],"a":{"y":{},"x":[]}}"#)
        writer.removeAll()
        writer.value(value, sortedKeys: true)
        #expect(writer.text == #"{"a":{"x":[],"y":{}},"b":[1,-2,2.5,true,null,"s"]}"#)
    }

    /// SplitMix64: a reproducible sequence from a printed seed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
