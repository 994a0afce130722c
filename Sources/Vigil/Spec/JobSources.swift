public import Foundation
public import JSONSchema

/// The bytes a job was checked from, read once by `JobLoader`: the job file, the prompt
/// and the success schema. A run copies, hashes and sends these bytes, never the files
/// again, so what was checked is what runs even if a file is edited in between.
public struct JobSources: Sendable {
    /// The job file as read.
    public var job: [UInt8]
    /// The prompt file as read (its sha256 matched the pin).
    public var prompt: [UInt8]
    /// The success schema, compiled from the bytes that were checked.
    public var successSchema: CheckedSchema?
    /// `reference.file`'s known answers, parsed from the bytes that were checked.
    public var reference: ReferenceSet?

    /// The bytes that were checked.
    public init(job: [UInt8], prompt: [UInt8], successSchema: CheckedSchema?, reference: ReferenceSet? = nil) {
        self.job = job
        self.prompt = prompt
        self.successSchema = successSchema
        self.reference = reference
    }

    /// The prompt as the model receives it.
    public var promptText: String { String(decoding: prompt, as: UTF8.self) }
}

/// A success schema as validation compiled it (formats asserted), with the digest of the
/// bytes it was compiled from.
public struct CheckedSchema: Sendable {
    /// The success schema's file, as the job resolved it.
    public var url: URL
    /// The sha256 of the bytes compiled.
    public var sha256: String
    /// The schema compiled once, with format assertion on: every answer is judged against it.
    public var schema: Schema
    /// The schema as written (what `structured_output: json_schema` sends).
    public var document: JSONValue
    /// Where it leaves the subset servers enforce strictly (none: it is sent `strict: true`).
    public var strictDepartures: [StrictSubset.Departure]

    /// A schema file that validated, with the sha256 of the bytes that were checked.
    public init(url: URL, sha256: String, schema: Schema, document: JSONValue) {
        self.url = url
        self.sha256 = sha256
        self.schema = schema
        self.document = document
        strictDepartures = StrictSubset.departures(in: document)
    }

    /// `response_format` for this schema: `{type: json_schema, json_schema: {name, schema,
    /// strict}}`, the name from the file's (letters, digits, `_` and `-`, at most 64).
    public var responseFormat: JSONValue {
        var name = String(
            url.deletingPathExtension().lastPathComponent.map {
                $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "_"
            }.prefix(64))
        if name.isEmpty { name = "success" }
        var schema = document.objectValue ?? JSONObject()
        // Servers reject a schema that names its own dialect or id in strict mode.
        schema["$schema"] = nil
        schema["$id"] = nil
        return [
            "type": "json_schema",
            "json_schema": [
                "name": .string(name), "schema": .object(schema), "strict": .bool(strictDepartures.isEmpty),
            ],
        ]
    }
}
