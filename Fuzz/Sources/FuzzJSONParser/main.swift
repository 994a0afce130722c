import JSONSchema

/// Any bytes: the parser answers a value or an error, never a crash; a value written back as
/// JSON text parses again to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    for parser in [JSONParser(), JSONParser(allowsDuplicateKeys: true)] {
        guard let value = try? parser.parse(bytes) else { continue }
        let text = value.jsonText()
        guard let again = try? JSONParser(allowsDuplicateKeys: true).parse(text), again == value else {
            fatalError("written back as \(text.prefix(200)), the value does not parse to itself")
        }
    }
    return 0
}
