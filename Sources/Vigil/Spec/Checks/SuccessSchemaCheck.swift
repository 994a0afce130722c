import Foundation
import JSONSchema

/// `success.schema` exists and is a valid JSON Schema (against the 2020-12 meta-schema,
/// and compilable: references resolve, patterns are valid).
enum SuccessSchemaCheck {
    static func run(_ context: inout JobCheckContext) {
        guard let (path, location) = context.string("success", "schema") else { return }
        let url = context.url(path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            context.report(Diagnostic(.successSchemaMissing, "success schema \(path) does not exist", at: location))
            return
        }
        do {
            _ = try SchemaFile.load(url.path, displayName: path)
        } catch {
            context.report(
                Diagnostic(
                    .successSchemaInvalid, "success schema \(path) is not a valid JSON Schema: \(error.message)", at: location,
                    note: "at \(error.location)"))
        }
    }
}
