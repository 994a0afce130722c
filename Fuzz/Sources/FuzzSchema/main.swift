import JSONSchema

/// A JSON array `[schema, instance, ...]`: the schema compiles or is refused with an error;
/// each instance validates, and the fast answer agrees with the full one.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let document = try? JSONParser().parse(UnsafeBufferPointer(start: data, count: size)),
        case .array(let parts) = document, let schemaDocument = parts.first
    else { return 0 }
    for options in [SchemaOptions(), SchemaOptions(assertsFormat: true)] {
        guard let schema = try? Schema(schemaDocument, options: options) else { continue }
        for instance in parts.dropFirst() {
            let valid = schema.isValid(instance)
            let errors = schema.validate(instance)
            if valid != errors.isEmpty {
                fatalError("isValid says \(valid) but validate gives \(errors.count) errors")
            }
            for error in errors { _ = error.description }
        }
    }
    return 0
}
