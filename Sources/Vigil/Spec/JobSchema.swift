import JSONSchema

/// The job file's JSON Schema (`schemas/job.v1.schema.json`), embedded and compiled once.
public enum JobSchema {
    /// The schema's text, as `vigil schema` prints it.
    public static let text = JobSchemaText.v1

    static let document: JSONValue = try! JSONParser().parse(JobSchemaText.v1)

    /// Compiled with format assertion off: the schema uses no formats, and patterns do the work.
    static let compiled: Schema = try! Schema(document, baseURI: "https://vigil.invalid/schemas/job.v1.schema.json")

    /// The property names a schema object at `pointer` (within the job schema) allows:
    /// what "did you mean" chooses from.
    static func allowedKeys(atSchemaPointer pointer: String) -> [String] {
        guard let tokens = JSONPointer.tokens(pointer), let node = JSONPointer.resolve(tokens, in: document) else {
            return []
        }
        var keys = node["properties"]?.objectValue?.keys ?? []
        // Keys allowed through a $ref'd definition.
        if let reference = node["$ref"]?.stringValue, reference.hasPrefix("#"),
            let target = JSONPointer.tokens(String(reference.dropFirst())).flatMap({
                JSONPointer.resolve($0, in: document)
            })
        {
            keys += target["properties"]?.objectValue?.keys ?? []
        }
        return keys
    }
}
