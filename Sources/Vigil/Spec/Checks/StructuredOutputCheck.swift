import JSONSchema

/// `model.structured_output`: `json_schema` needs a success schema, and is sent strict only
/// when the schema fits the strict subset (else a warning at the first place it does not, in
/// the schema file); `response_format` is not also written in `parameters`.
enum StructuredOutputCheck {
    static func run(_ context: inout JobCheckContext) {
        let job = context.job
        guard job.model.structuredOutput != .none, let location = job.locations[.structuredOutput] else { return }
        if job.model.parameters["response_format"] != nil {
            context.report(
                Diagnostic(
                    .structuredOutput,
                    "model.parameters.response_format and structured_output both say what the endpoint is asked for",
                    at: location, hint: "keep one: structured_output builds response_format from success.schema"))
        }
        if job.model.structuredOutput == .jsonSchema && job.success.schema == nil {
            context.report(
                Diagnostic(
                    .structuredOutput,
                    "structured_output: json_schema sends success.schema as response_format, but the job has no success.schema",
                    at: location, hint: "add success.schema, or use structured_output: json_object"))
        }
    }

    /// Warns, in the schema file, where a schema sent with `json_schema` leaves the strict subset.
    static func checkStrictness(_ schema: CheckedSchema, document: JSONDocument, _ context: inout JobCheckContext) {
        guard context.job.model.structuredOutput == .jsonSchema else { return }
        // The first in the file, where a person reading it from the top meets it.
        let located = schema.strictDepartures.map { ($0, document.location(ofPointer: $0.pointer, preferKey: true)) }
        guard let (first, location) = located.min(by: { $0.1 < $1.1 }) else { return }
        let more = located.count - 1
        context.report(
            Diagnostic(
                .structuredOutput,
                "the success schema is outside the strict subset servers enforce: \(first.message) (at \(first.pointer.isEmpty ? "the root" : first.pointer))"
                    + (more > 0 ? " and \(more) more place\(more == 1 ? "" : "s")" : "")
                    + "; it is sent with strict: false",
                at: location, severity: .warning,
                hint:
                    "every answer is still validated against the full schema; for strict decoding, keep to type, properties, required (all of them), additionalProperties: false, items, enum, const, anyOf, $ref"
            ))
    }
}
