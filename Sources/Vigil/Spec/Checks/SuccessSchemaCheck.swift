import Foundation
import JSONSchema

/// `success.schema` exists and is a valid JSON Schema (against the 2020-12 meta-schema,
/// and compilable: references resolve, patterns are valid).
enum SuccessSchemaCheck {
    static func run(_ context: inout JobCheckContext) {
        guard let path = context.job.success.schema, let location = context.job.locations[.successSchema] else {
            return
        }
        let url = context.url(path)
        let bytes: [UInt8]
        do {
            bytes = try ContentsOfFile.read(url.path)
        } catch {
            let problem =
                error.size != nil ? error.description : "success schema \(path) does not exist or cannot be read"
            context.report(Diagnostic(.successSchemaMissing, problem, at: location))
            return
        }
        do {
            // Compiled as the run judges with it (formats asserted), from the bytes it keeps.
            let document = try JSONDocument.load(bytes: bytes, path: url.path, displayName: path)
            let schema = try SchemaFile.load(
                document: document, path: url.path, displayName: path, options: SchemaOptions(assertsFormat: true))
            let checked = CheckedSchema(
                url: url, sha256: FileDigest.sha256(of: bytes), schema: schema, document: document.value)
            context.successSchema = checked
            StructuredOutputCheck.checkStrictness(checked, document: document, &context)
        } catch {
            context.report(
                Diagnostic(
                    .successSchemaInvalid, "success schema \(path) is not a valid JSON Schema: \(error.message)",
                    at: location,
                    note: "at \(error.location)"))
        }
    }
}
