import VigilFuzzHarness

/// libFuzzer's entry point: one input through `FuzzHarness.targets["FuzzJSONParser"]` (see there for
/// what it checks); a broken invariant stops the fuzzer with the reason.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if let problem = FuzzHarness.targets["FuzzJSONParser"]!(Array(UnsafeBufferPointer(start: data, count: size))) { fatalError(problem) }
    return 0
}
