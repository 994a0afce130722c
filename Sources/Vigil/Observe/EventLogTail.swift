public import Foundation
import JSONSchema

/// Reads a run's `events.jsonl` as it grows: each `read()` returns the events appended since
/// the last, complete lines only (a line being written is left for the next read). What
/// `vigil watch`, `vigil events --follow` and the dashboard follow a running run with.
public struct EventLogTail {
    /// The run's `events.jsonl`; it may not exist yet (a run still setting up).
    public let url: URL
    private var offset: UInt64 = 0
    private var partial: [UInt8] = []
    private var lineNumber = 0

    /// A line of the log that is not an event.
    public struct BadLine: Error, CustomStringConvertible {
        /// The log the line is in.
        public var url: URL
        /// The line's number in the log, from 1, for the editor or `sed -n` that shows it.
        public var line: Int
        /// Why it is not an event (not JSON, an unknown type, a field missing).
        public var problem: String
        /// `events.jsonl:12: not a Vigil event (...)`.
        public var description: String { "\(url.path):\(line): not a Vigil event (\(problem))" }
    }

    /// A reader from the start of `url`.
    public init(url: URL) {
        self.url = url
    }

    /// The events appended since the last read (none when the file does not exist yet).
    public mutating func read() throws -> [RunEvent] {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return [] }
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        var events: [RunEvent] = []
        let parser = JSONParser(allowsDuplicateKeys: true)
        while let chunk = try handle.read(upToCount: 1 << 22), !chunk.isEmpty {
            offset += UInt64(chunk.count)
            var bytes = partial
            bytes.append(contentsOf: chunk)
            var start = 0
            while let end = bytes[start...].firstIndex(of: 0x0A) {
                lineNumber += 1
                let line = bytes[start..<end]
                start = end + 1
                guard !line.isEmpty else { continue }
                do {
                    events.append(try RunEvent(json: try parser.parse(String(decoding: line, as: UTF8.self))))
                } catch {
                    throw BadLine(url: url, line: lineNumber, problem: "\(error)")
                }
            }
            partial = Array(bytes[start...])
        }
        return events
    }
}
