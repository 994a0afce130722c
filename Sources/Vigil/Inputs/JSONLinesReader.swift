import Foundation

/// Reads a file line by line in 64 KiB chunks: memory holds one chunk and one line.
struct JSONLinesReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false
    private(set) var lineNumber = 0

    init?(url: URL) {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        self.handle = handle
    }

    /// The next line (without its newline), or nil at the end of the file.
    mutating func next() -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = buffer[start..<newline]
                start = newline + 1
                lineNumber += 1
                return line
            }
            if finished {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                lineNumber += 1
                return line
            }
            let chunk = (try? handle.read(upToCount: 1 << 16)) ?? nil
            buffer.removeFirst(start)
            start = 0
            if let chunk, !chunk.isEmpty { buffer.append(contentsOf: chunk) } else { finished = true }
        }
    }

    func close() { try? handle.close() }
}
