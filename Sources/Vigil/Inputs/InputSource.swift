public import Foundation
import JSONSchema

/// A job's items, enumerated lazily in a stable order (files folder by folder in sorted
/// order; records in file order), each input in turn. Memory does not grow with the
/// number of items, except 8 bytes per JSON Lines record to catch repeated ids (see
/// `IDFingerprints`; a repeated id is reported when its input has been read to the end).
public struct InputSource: Sendable {
    /// Where relative paths start (the job's folder).
    public let folder: URL
    /// The inputs, in order.
    public let specs: [InputSpec]
    /// Stop after this many items in all (a canary run).
    public let limit: Int?
    /// Refuse a JSON Lines id seen before in the same input (8 bytes per record). A run's
    /// item loop turns it off: the same items were checked when the run was set up, so the
    /// loop stays flat.
    public let checksDuplicateIDs: Bool
    /// How ids are fingerprinted (tests make them collide).
    var fingerprint: @Sendable (String) -> Int = { $0.hashValue }

    /// Resolves the inputs' paths and globs against `folder`.
    public var paths: PathResolver { PathResolver(folder: folder) }

    /// A source over `specs`.
    public init(folder: URL, specs: [InputSpec], limit: Int? = nil, checksDuplicateIDs: Bool = true) {
        self.folder = folder
        self.specs = specs
        self.limit = limit
        self.checksDuplicateIDs = checksDuplicateIDs
    }

    /// Starts a walk over the items.
    public func makeIterator() -> Iterator { Iterator(source: self) }

    /// Yields items; throws when an input cannot be read or holds a bad record.
    public struct Iterator {
        let source: InputSource
        private var specIndex = 0
        private var yieldedInSpec = 0
        private var yielded = 0
        private var walker: GlobWalker?
        private var reader: JSONLinesReader?
        private var fingerprints: IDFingerprints
        /// The current input was ended and checked (by its end or by a limit).
        private var specFinished = false
        /// The spec the last item came from (for messages).
        public private(set) var currentInput = 0

        init(source: InputSource) {
            self.source = source
            fingerprints = IDFingerprints(fingerprint: source.fingerprint)
        }

        /// The next item; nil at the end.
        public mutating func next() throws(InputProblem) -> InputItem? {
            if let limit = source.limit, yielded >= limit {
                // A canary's end: what it takes of the current input is checked too.
                if specIndex < source.specs.count { try finishSpec(source.specs[specIndex]) }
                return nil
            }
            while specIndex < source.specs.count {
                let spec = source.specs[specIndex]
                if let item = try nextItem(of: spec) {
                    yielded += 1
                    yieldedInSpec += 1
                    currentInput = specIndex
                    return item
                }
                try finishSpec(spec)
                walker = nil
                reader = nil
                specIndex += 1
                yieldedInSpec = 0
                specFinished = false
            }
            return nil
        }

        /// Closes the current input and confirms any repeated id fingerprint against the
        /// ids themselves (the first `yieldedInSpec` records, read again).
        private mutating func finishSpec(_ spec: InputSpec) throws(InputProblem) {
            guard !specFinished else { return }
            specFinished = true
            reader?.close()
            guard case .jsonl(let path, let idField, _) = spec, source.checksDuplicateIDs else { return }
            let suspects = fingerprints.repeated()
            guard !suspects.isEmpty else { return }
            guard var again = JSONLinesReader(url: source.paths.url(path)) else {
                throw InputProblem(message: "the file \(path) could not be read again", line: nil, isEmpty: false)
            }
            defer { again.close() }
            var firstLine: [String: Int] = [:]
            var records = 0
            // A line over the length limit was refused on the first pass, before this one.
            while records < yieldedInSpec, let line = try? again.next() {
                guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
                records += 1
                guard let record = try? JSONParser().parse(line) else { continue }
                let id = try Self.id(of: record, number: again.lineNumber, path: path, idField: idField)
                guard suspects.contains(source.fingerprint(id)) else { continue }
                if let earlier = firstLine[id] {
                    throw InputProblem(
                        message:
                            "\(idField ?? "id") \"\(id)\" on line \(again.lineNumber) of \(path) appears earlier too (line \(earlier)); ids must be unique",
                        line: again.lineNumber, isEmpty: false)
                }
                firstLine[id] = again.lineNumber
            }
        }

        private mutating func nextItem(of spec: InputSpec) throws(InputProblem) -> InputItem? {
            switch spec {
            case .glob(let pattern, let exclude, let limit):
                if let limit, yieldedInSpec >= limit { return nil }
                if walker == nil {
                    let paths = source.paths
                    walker = try GlobWalker(
                        folder: source.folder, pattern: GlobPattern(paths.expandingHome(pattern)),
                        exclusions: exclude.map { GlobPattern(paths.expandingHome($0)) })
                }
                return walker!.next().map { InputItem(id: $0, path: $0, record: nil) }
            case .jsonl(let path, let idField, let limit):
                if let limit, yieldedInSpec >= limit { return nil }
                if reader == nil {
                    guard let opened = JSONLinesReader(url: source.paths.url(path)) else {
                        throw InputProblem(
                            message: "the file \(path) does not exist or cannot be read", line: nil, isEmpty: false)
                    }
                    reader = opened
                }
                while let line = try reader!.next(refusingLongLines: { Self.recordTooLong($0, in: path) }) {
                    guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
                    return try record(line, number: reader!.lineNumber, path: path, idField: idField)
                }
                return nil
            }
        }

        /// A record line over the length limit, said with what to do instead.
        private static func recordTooLong(_ error: JSONLinesReader.LineTooLong, in path: String) -> InputProblem {
            InputProblem(
                message:
                    "line \(error.lineNumber) of \(path) is \(ByteCount.text(error.length)) long; the limit for one record is "
                    + "\(ByteCount.text(error.limit)) (a record goes into the prompt). Keep large content in files and list them with a glob input, "
                    + "or split the record",
                line: error.lineNumber, isEmpty: false)
        }

        private mutating func record(_ line: ArraySlice<UInt8>, number: Int, path: String, idField: String?)
            throws(InputProblem) -> InputItem
        {
            let record: JSONValue
            do {
                record = try JSONParser().parse(line)
            } catch {
                throw InputProblem(
                    message: "line \(number) of \(path) is not JSON: \(error.message)", line: number, isEmpty: false)
            }
            guard case .object = record else {
                throw InputProblem(
                    message: "line \(number) of \(path) is \(record.typeName), not a JSON object", line: number,
                    isEmpty: false)
            }
            let id = try Self.id(of: record, number: number, path: path, idField: idField)
            // Ids made from line numbers cannot repeat.
            if source.checksDuplicateIDs, idField != nil { fingerprints.add(id) }
            return InputItem(id: id, path: nil, record: record)
        }

        /// A record's id: its `idField`, or its line (`line-7`) when the input names none.
        private static func id(of record: JSONValue, number: Int, path: String, idField: String?) throws(InputProblem)
            -> String
        {
            guard let idField else { return "line-\(number)" }
            switch record[idField] {
            case .string(let text)? where !text.isEmpty: return text
            case .number(let value)?: return value.description
            default:
                throw InputProblem(
                    message:
                        "the record on line \(number) of \(path) has no \"\(idField)\" (a non-empty string or a number)",
                    line: number, isEmpty: false)
            }
        }
    }
}

extension InputSource {
    /// How many items the inputs hold (a walk over them; files are not read).
    public func count() throws(InputProblem) -> Int {
        var items = makeIterator()
        var count = 0
        while try items.next() != nil { count += 1 }
        return count
    }
}
