import Foundation
import JSONSchema
import Testing
import Vigil

/// Each comparison a reference field can use, and the table that counts them.
@Suite struct FieldComparisonTests {
    func json(_ text: String) throws -> JSONValue { try JSONParser().parse(text) }

    @Test func exactIsEqualJSON() throws {
        #expect(FieldComparison.exact.agrees(expected: "DAO-1", got: "DAO-1"))
        #expect(!FieldComparison.exact.agrees(expected: "DAO-1", got: "dao-1"))
        #expect(
            FieldComparison.exact.agrees(expected: try json("[1, {\"a\": null}]"), got: try json("[1, {\"a\": null}]")))
        #expect(!FieldComparison.exact.agrees(expected: 1, got: "1"))
        #expect(FieldComparison.exact.agrees(expected: try json("1"), got: try json("1.0")))
    }

    @Test func normalizedIgnoresCaseWhitespaceOuterPunctuationAndUnicodeForm() {
        let comparison = FieldComparison.normalized
        #expect(comparison.agrees(expected: "Carex aquatilis Wahlenb.", got: "carex  aquatilis wahlenb"))
        #expect(comparison.agrees(expected: "  Poa\tannua L. ", got: "POA ANNUA L"))
        // "é" as one scalar (NFC) and as e + combining acute (NFD).
        #expect(comparison.agrees(expected: "Qu\u{E9}bec", got: "Que\u{301}bec"))
        // Inner punctuation is kept: a different authority is a different name.
        #expect(!comparison.agrees(expected: "Carex aquatilis Wahlenb.", got: "Carex aquatilis L."))
        #expect(!comparison.agrees(expected: "Carex aquatilis", got: "Poa annua"))
        // Values that are not text compare exactly.
        #expect(comparison.agrees(expected: 12, got: 12))
        #expect(!comparison.agrees(expected: 12, got: "12"))
        #expect(FieldComparison.normalize("«Carex aquatilis»!") == "carex aquatilis")
    }

    @Test func numberAgreesWithinItsTolerance() {
        #expect(FieldComparison.number(tolerance: 0).agrees(expected: 45.5, got: 45.5))
        #expect(FieldComparison.number(tolerance: 0).agrees(expected: 0.3, got: .number(JSONNumber(0.1 + 0.2))))
        #expect(!FieldComparison.number(tolerance: 0).agrees(expected: 45.5, got: 45.51))
        #expect(FieldComparison.number(tolerance: 0.01).agrees(expected: 45.5, got: 45.509))
        #expect(!FieldComparison.number(tolerance: 0.01).agrees(expected: 45.5, got: 45.52))
        // Numeric text is read as a number; other text is not one.
        #expect(FieldComparison.number(tolerance: 0.5).agrees(expected: 100, got: " 100.4 "))
        #expect(!FieldComparison.number(tolerance: 1).agrees(expected: 100, got: "about 100"))
    }

    @Test func presentIsAnyNonEmptyValue() {
        let present = FieldComparison.present
        #expect(present.agrees(expected: "x", got: "anything"))
        #expect(present.agrees(expected: "x", got: 0))
        #expect(present.agrees(expected: "x", got: false))
        for empty: JSONValue in [.null, "", "   ", [], .object(JSONObject())] {
            #expect(!present.agrees(expected: "x", got: empty), "\(empty)")
        }
    }

    @Test func aFieldMissingFromTheAnswerDisagreesWhateverTheComparison() {
        for comparison in [FieldComparison.exact, .normalized, .number(tolerance: 1), .present] {
            #expect(!comparison.agrees(expected: "x", got: nil), "\(comparison)")
        }
    }

    @Test func theTableCountsPerFieldFollowsDottedPathsAndKeepsTheFirstDisagreements() throws {
        var table = AgreementTable(fields: [
            ComparedField(name: "scientificName", comparison: .normalized),
            ComparedField(name: "location.country", comparison: .exact),
            ComparedField(name: "eventDate", comparison: .exact),
        ])
        let expected = try json(#"{"scientificName": "carex aquatilis", "location": {"country": "Canada"}}"#)
        table.compare(
            item: "a", expected: expected,
            answer: try json(#"{"scientificName": "Carex aquatilis.", "location": {"country": "Canada"}}"#))
        table.compare(item: "b", expected: expected, answer: try json(#"{"scientificName": "Poa annua"}"#))
        table.compare(item: "c", expected: expected, answer: nil)
        #expect(table.items == 3)
        // eventDate is in no known answer: never compared.
        #expect(table.fields.map(\.compared) == [3, 3, 0])
        #expect(table.fields.map(\.agreed) == [1, 1, 0])
        #expect(table.agreement == 2.0 / 6.0)
        #expect(
            table.disagreements.map { "\($0.item) \($0.field)" } == [
                "b scientificName", "b location.country", "c scientificName", "c location.country",
            ])
        #expect(table.disagreements[0].sentence == #"b scientificName: "carex aquatilis" -> "Poa annua""#)
        #expect(table.disagreements[1].sentence == #"b location.country: "Canada" -> (no value)"#)
        // Read back as the event and the manifest carry it.
        let back = try #require(AgreementTable(json: table.json))
        #expect(back.fields.map(\.agreed) == table.fields.map(\.agreed))
        #expect(back.disagreements == table.disagreements)
    }

    @Test func comparisonsAreReadAsWritten() {
        #expect(FieldComparison(written: "normalized") == .normalized)
        #expect(FieldComparison(written: "number") == .number(tolerance: 0))
        #expect(FieldComparison(written: "number:0.25") == .number(tolerance: 0.25))
        #expect(FieldComparison(written: "number:-1") == nil)
        #expect(FieldComparison(written: "fuzzy") == nil)
    }
}
