import Foundation

/// How many pages (image file directories) a TIFF holds, read from its directory chain: a
/// few small reads at the offsets the file gives, never its images. A multi-page TIFF sends
/// its first page; `plan` says which files have more.
enum TIFFPages {
    /// The number of pages of the TIFF at `path` (classic or BigTIFF, either byte order), or
    /// nil when it cannot be read as one. Stops at 10,000 pages and at a chain that loops.
    static func count(_ path: String) -> Int? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        func read(_ offset: UInt64, _ count: Int) -> [UInt8]? {
            guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.read(upToCount: count),
                data.count == count
            else { return nil }
            return Array(data)
        }
        guard let header = read(0, 16) else { return nil }
        let little: Bool
        switch (header[0], header[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func number(_ bytes: ArraySlice<UInt8>) -> UInt64 {
            (little ? bytes.reversed() : Array(bytes)).reduce(0) { $0 << 8 | UInt64($1) }
        }
        let version = number(header[2..<4])
        let big = version == 43
        guard version == 42 || big else { return nil }
        var offset = big ? number(header[8..<16]) : number(header[4..<8])
        var seen = Set<UInt64>()
        var pages = 0
        while offset != 0, pages < 10_000, seen.insert(offset).inserted {
            let countSize = big ? 8 : 2
            let entrySize = big ? 20 : 12
            let nextSize = big ? 8 : 4
            guard let countBytes = read(offset, countSize) else { break }
            let entries = number(countBytes[...])
            guard entries < 1_000_000,
                let next = read(offset + UInt64(countSize) + entries * UInt64(entrySize), nextSize)
            else { break }
            pages += 1
            offset = number(next[...])
        }
        return pages > 0 ? pages : nil
    }
}
