import Foundation
import JSONSchema

/// Validates every line of a JSON Lines file against a schema in-process, formats asserted
/// (what a run does with each answer). Parsing is outside the timed part, as in the Python
/// peer (Benchmarks/peers/jsonschema_bench.py). Prints one JSON line: records, valid,
/// seconds, records_per_sec.
enum SchemaBenchmark {
    static func run(schema schemaPath: String, records recordsPath: String) throws -> String {
        let schemaText = try String(contentsOfFile: schemaPath, encoding: .utf8)
        let schema = try Schema(JSONParser().parse(schemaText), options: SchemaOptions(assertsFormat: true))
        let parser = JSONParser()
        let records = try String(contentsOfFile: recordsPath, encoding: .utf8).split(separator: "\n").map {
            try parser.parse(String($0))
        }
        let clock = ContinuousClock()
        let start = clock.now
        var valid = 0
        // VIGIL_BENCH_REPEAT=N times over (for a profiler, so loading is a small part).
        let repeats = Int(ProcessInfo.processInfo.environment["VIGIL_BENCH_REPEAT"] ?? "") ?? 1
        for _ in 0..<repeats {
            valid = 0
            for record in records where schema.isValid(record) { valid += 1 }
        }
        let seconds = (clock.now - start).seconds / Double(repeats)
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("records")
        writer.int(records.count)
        writer.key("valid")
        writer.int(valid)
        writer.key("seconds")
        writer.double(rounded(seconds))
        writer.key("records_per_sec")
        writer.double((Double(records.count) / seconds).rounded())
        writer.endObject()
        return writer.text
    }
}
