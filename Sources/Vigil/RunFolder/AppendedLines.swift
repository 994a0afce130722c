public import Foundation
public import JSONSchema

/// An appended JSONL file of a run folder (results, failures, events) read back after a
/// stop or a crash. Each line is written with one `write(2)`, so a crash can leave only a
/// torn tail: an unterminated last line, or — after a power loss — a tail of bytes that is
/// not JSON. The tail is cut off (`repair`); a bad line with good lines after it is not a
/// crash's doing, and is refused.
public enum AppendedLines {
    /// What a repair cut off one file.
    public struct Repair: Sendable, Equatable {
        /// The file's name.
        public var file: String
        /// Bytes cut off its end.
        public var bytes: Int
        /// Lines those bytes held.
        public var lines: Int
    }

    /// A line in the middle of the file is not JSON: the folder was damaged by something
    /// other than a crash, and guessing would lose or repeat items.
    public struct Damaged: RunFolderDamage {
        /// The appended file (results.jsonl, failed.jsonl, events.jsonl) that was repaired.
        public let url: URL
        /// The bad line's number.
        public let line: Int
        /// What is wrong with it.
        public let problem: String
        /// Where and what, and that it is the user's to mend.
        public var description: String {
            "\(url.path):\(line): not a JSON line (\(problem)), with complete lines after it; the run folder was changed by hand "
                + "or damaged — restore the file (or remove that line) and try again"
        }
    }

    /// Calls `each` with every complete JSON line of `url` (and its line number), in order.
    /// With `repair`, truncates the file after its last complete line and returns what was
    /// cut; without, the torn tail is only skipped. A missing file reads as empty.
    @discardableResult
    public static func read(_ url: URL, repair: Bool, each: (JSONValue, Int) throws -> Void) throws -> Repair? {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int), size > 0,
            var reader = JSONLinesReader(url: url, maximumLineLength: JSONLinesReader.runFolderLineLimit)
        else { return nil }
        defer { reader.close() }
        let parser = JSONParser()
        var offset = 0
        var goodEnd = 0
        var firstBad: (line: Int, problem: String)?
        var droppedLines = 0
        while true {
            let line: ArraySlice<UInt8>
            do {
                guard let next = try reader.next() else { break }
                line = next
            } catch {
                // Not a line Vigil wrote (its lines hold one record and one bounded answer).
                offset += error.length + 1
                droppedLines += 1
                guard error.terminated else { break }
                firstBad = firstBad ?? (error.lineNumber, error.message)
                continue
            }
            let end = offset + line.count
            offset = end + 1
            let terminated = end < size
            if !terminated {
                droppedLines += 1
                break
            }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                if firstBad == nil { goodEnd = offset } else { droppedLines += 1 }
                continue
            }
            do {
                let value = try parser.parse(line)
                if let bad = firstBad { throw Damaged(url: url, line: bad.line, problem: bad.problem) }
                try each(value, reader.lineNumber)
                goodEnd = offset
            } catch let error as JSONParseError {
                firstBad = firstBad ?? (reader.lineNumber, error.message)
                droppedLines += 1
            }
        }
        guard goodEnd < size else { return nil }
        if repair {
            guard truncate(url.path, off_t(goodEnd)) == 0 else {
                throw FileError("truncate", url.path)
            }
        }
        return Repair(file: url.lastPathComponent, bytes: size - goodEnd, lines: droppedLines)
    }
}

/// A run folder whose files were changed by something other than a crash (a line edited
/// in the middle, an item recorded twice): resume refuses and says where.
public protocol RunFolderDamage: ExitStatusError {}

extension RunFolderDamage {
    /// Changed by something other than a crash: the user's to mend.
    public var exitStatus: ExitStatus { .invalidJobOrUsage }
}
