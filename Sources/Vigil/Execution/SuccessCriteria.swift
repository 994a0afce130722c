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
        let object: JSONObject
        switch Self.object(in: answer.text) {
        case .success(let found): object = found
        case .failure(let failure): return .failure(failure)
        }
        let value = JSONValue.object(object)
        if let failure = schemaFailure(value) ?? missingFields(object) { return .failure(failure) }
        return .success(value)
    }

    /// The JSON object the answer holds (found even inside a fence or prose), or why there is none.
    private static func object(in text: String) -> Result<JSONObject, ItemFailure> {
        let answer: JSONValue = ["answer": .string(String(text.prefix(2000)))]
        guard let value = AnswerJSON.extract(text) else {
            let excerpt = JSONValue.string(String(text.prefix(200))).abbreviated
            return .failure(ItemFailure(.parse, "the answer is not JSON: \(excerpt)", detail: answer))
        }
        guard case .object(let object) = value else {
            return .failure(
                ItemFailure(.parse, "the answer is a JSON \(value.typeName), not an object", detail: answer))
        }
        return .success(object)
    }

    /// Why `value` does not validate against the success schema (the first error, and up to
    /// 20 in the detail); nil when it does, or there is no schema.
    private func schemaFailure(_ value: JSONValue) -> ItemFailure? {
        guard let schema, case let errors = schema.validate(value), let first = errors.first else { return nil }
        let more = errors.count > 1 ? " (and \(errors.count - 1) more)" : ""
        let place = first.instanceLocation.isEmpty ? "" : "\(first.instanceLocation): "
        let listed: [JSONValue] = errors.prefix(20).map {
            [
                "at": .string($0.instanceLocation), "keyword": .string($0.keywordLocation),
                "message": .string($0.message),
            ]
        }
        return ItemFailure(
            .schema, "the answer does not match the success schema: \(place)\(first.message)\(more)",
            detail: ["errors": .array(listed)])
    }

    /// The required fields that are missing, null or empty (text of only whitespace, an
    /// empty list or object); nil when every one is filled.
    private func missingFields(_ object: JSONObject) -> ItemFailure? {
        let missing = requiredFields.filter { field in
            switch object[field] {
            case nil, .null?: return true
            case .string(let text)?: return text.trimmingWhitespace().isEmpty
            case .array(let elements)?: return elements.isEmpty
            case .object(let members)?: return members.isEmpty
            default: return false
            }
        }
        guard !missing.isEmpty else { return nil }
        return ItemFailure(
            .schema, "required fields missing or empty: \(missing.joined(separator: ", "))",
            detail: ["missing": .array(missing.map { .string($0) })])
    }
}
