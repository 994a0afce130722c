import Foundation
public import JSONSchema

/// What makes an answer a success: a JSON object that validates against the job's
/// success schema (formats asserted) and has every required field non-empty.
public struct SuccessCriteria: Sendable {
    let schema: Schema?
    let requiredFields: [String]

    /// Criteria from a compiled success schema (formats asserted) and the fields that must be non-empty.
    public init(schema: Schema?, requiredFields: [String]) {
        self.schema = schema
        self.requiredFields = requiredFields
    }

    /// The result, or why the answer is not a success (`parse` or `schema`).
    public func judge(_ answer: ProviderAnswer) -> Result<JSONValue, ItemFailure> {
        guard let value = AnswerJSON.extract(answer.text) else {
            let excerpt = String(answer.text.prefix(200))
            return .failure(
                ItemFailure(
                    .parse, "the answer is not JSON: \(JSONValue.string(excerpt).abbreviated)",
                    detail: ["answer": .string(String(answer.text.prefix(2000)))]))
        }
        guard case .object(let object) = value else {
            return .failure(
                ItemFailure(
                    .parse, "the answer is a JSON \(value.typeName), not an object",
                    detail: ["answer": .string(String(answer.text.prefix(2000)))]))
        }
        if let schema {
            let errors = schema.validate(value)
            if let first = errors.first {
                let more = errors.count > 1 ? " (and \(errors.count - 1) more)" : ""
                let place = first.instanceLocation.isEmpty ? "" : "\(first.instanceLocation): "
                let detail: JSONValue = [
                    "errors": .array(
                        errors.prefix(20).map {
                            [
                                "at": .string($0.instanceLocation), "keyword": .string($0.keywordLocation),
                                "message": .string($0.message),
                            ]
                        })
                ]
                return .failure(
                    ItemFailure(
                        .schema, "the answer does not match the success schema: \(place)\(first.message)\(more)",
                        detail: detail))
            }
        }
        let missing = requiredFields.filter { field in
            switch object[field] {
            case nil, .null?: return true
            case .string(let text)?: return text.trimmingWhitespace().isEmpty
            case .array(let elements)?: return elements.isEmpty
            case .object(let members)?: return members.isEmpty
            default: return false
            }
        }
        if !missing.isEmpty {
            return .failure(
                ItemFailure(
                    .schema, "required fields missing or empty: \(missing.joined(separator: ", "))",
                    detail: ["missing": .array(missing.map { .string($0) })]))
        }
        return .success(value)
    }
}
