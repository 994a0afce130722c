import VigilFuzzHarness

/// libFuzzer's entry point: one input through `FuzzHarness.targets["FuzzJobFile"]` (see there for
/// what it checks); a broken invariant stops the fuzzer with the reason.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if let problem = FuzzHarness.targets["FuzzJobFile"]!(Array(UnsafeBufferPointer(start: data, count: size))) { fatalError(problem) }
    return 0
}
