import Foundation

/// Reads a file line by line in 64 KiB chunks: memory holds one chunk and one line, and a
/// line is never longer than `maximumLineLength` in memory — a longer one is skipped to its
/// end (never held) and reported as `LineTooLong`, with the reader ready for the next line.
struct JSONLinesReader {
    /// The longest line held, in bytes. An input record goes into a prompt, so 16 MiB is far
    /// past any model's context; Vigil's own files (`runFolder`) hold a record and an answer.
    static let inputLineLimit = 16 << 20
    static let runFolderLineLimit = 256 << 20

    /// A line longer than the limit: where it was and how long it turned out to be.
    struct LineTooLong: Error {
        var lineNumber: Int
        var length: Int
        var limit: Int
        /// Whether the line ended with a newline (false: the file ended inside it).
        var terminated: Bool

        /// `line 3 is 83,886,080 bytes long; the limit is 16 MiB`.
        var message: String {
            "line \(lineNumber) is \(ByteCount.text(length)) long; the limit for one line is \(ByteCount.text(limit))"
        }
    }

    private let handle: FileHandle
    let maximumLineLength: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where the search for the next newline resumes: bytes before it (from `start`) hold none.
    private var scanned = 0
    private var finished = false
    private(set) var lineNumber = 0

    init?(url: URL, maximumLineLength: Int = JSONLinesReader.inputLineLimit) {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        self.handle = handle
        self.maximumLineLength = maximumLineLength
    }

    /// The next line (without its newline), or nil at the end of the file.
    mutating func next() throws(LineTooLong) -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[max(start, scanned)...].firstIndex(of: 0x0A) {
                let line = buffer[start..<newline]
                start = newline + 1
                scanned = start
                lineNumber += 1
                return line
            }
            scanned = buffer.count
            if buffer.count - start > maximumLineLength { try skipLongLine() }
            if finished {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                scanned = start
                lineNumber += 1
                return line
            }
            readChunk()
        }
    }

    /// The next line, a line over the limit thrown as the caller's error (`refuse` says it
    /// in the caller's terms); the reader is past that line either way.
    mutating func next<Failure: Error>(refusingLongLines refuse: (LineTooLong) -> Failure) throws(Failure)
        -> ArraySlice<UInt8>?
    {
        do {
            return try next()
        } catch {
            throw refuse(error)
        }
    }

    /// Drops the current line (already over the limit) up to its newline, reading on without
    /// keeping what it reads, and throws.
    private mutating func skipLongLine() throws(LineTooLong) {
        var length = buffer.count - start
        buffer.removeAll(keepingCapacity: false)
        start = 0
        scanned = 0
        lineNumber += 1
        while true {
            guard let chunk = try? handle.read(upToCount: 1 << 16), !chunk.isEmpty else {
                finished = true
                throw LineTooLong(lineNumber: lineNumber, length: length, limit: maximumLineLength, terminated: false)
            }
            if let newline = chunk.firstIndex(of: 0x0A) {
                length += newline - chunk.startIndex
                buffer.append(contentsOf: chunk[chunk.index(after: newline)...])
                throw LineTooLong(lineNumber: lineNumber, length: length, limit: maximumLineLength, terminated: true)
            }
            length += chunk.count
        }
    }

    private mutating func readChunk() {
        let chunk = (try? handle.read(upToCount: 1 << 16)) ?? nil
        buffer.removeFirst(start)
        scanned -= start
        start = 0
        if let chunk, !chunk.isEmpty { buffer.append(contentsOf: chunk) } else { finished = true }
    }

    func close() { try? handle.close() }
}
