/// Process-wide allocator settings for runs with large inputs in flight.
enum MemoryTuning {
    /// glibc raises its mmap threshold each time a large block is freed (up to 32 MiB),
    /// after which 4 MB images and their 5 MB request bodies come from the heap arenas of
    /// whichever threads touched them and stay there when freed: 300 images of 4 MB at
    /// concurrency 4 peaked at 114 MB instead of the 77 MB that is really in flight
    /// (Benchmarks/FirstRequest). A fixed threshold of 1 MiB keeps every large block in its
    /// own mapping, returned to the system when it is freed.
    static func apply() {
        #if os(Linux)
            // M_MMAP_THRESHOLD from <malloc.h>, which the Glibc module does not export.
            _ = glibcMallopt(-3, 1 << 20)
        #endif
    }
}

#if os(Linux)
    @_silgen_name("mallopt")
    private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
