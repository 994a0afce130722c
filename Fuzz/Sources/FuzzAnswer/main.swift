import JSONSchema
import Vigil

/// Any text a model could answer: the extractor finds a JSON value or none, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let value = AnswerJSON.extract(text) { _ = value.jsonText() }
    return 0
}
