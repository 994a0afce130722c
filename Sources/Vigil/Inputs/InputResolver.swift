public import Foundation
import JSONSchema

/// Resolves a job's input specs to items, in a stable order: files sorted by path, records
/// in file order.
public struct InputResolver: Sendable {
    public var folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    /// Why an input yields no usable items; `line` points into a JSON Lines file.
    public struct Problem: Error, Sendable, Equatable {
        public var message: String
        public var line: Int?
        public var isEmpty: Bool
    }

    public func items(for spec: InputSpec) throws(Problem) -> [InputItem] {
        switch spec {
        case .glob(let pattern, let exclude, let limit):
            let files = try files(matching: GlobPattern(pattern), excluding: exclude.map(GlobPattern.init))
            guard !files.isEmpty else { throw Problem(message: "the glob \"\(pattern)\" matches no files", line: nil, isEmpty: true) }
            return files.prefix(limit ?? .max).map { InputItem(id: $0, path: $0, record: nil) }
        case .jsonl(let path, let idField, let limit):
            let records = try records(in: path, idField: idField, limit: limit)
            guard !records.isEmpty else { throw Problem(message: "\(path) holds no records", line: nil, isEmpty: true) }
            return records
        }
    }

    /// Files under the pattern's literal folder that match it and no exclusion, relative
    /// to the job folder, sorted.
    func files(matching pattern: GlobPattern, excluding exclusions: [GlobPattern]) throws(Problem) -> [String] {
        let prefix = pattern.literalPrefix
        let root = prefix.reduce(folder) { $0.appendingPathComponent($1) }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw Problem(message: "the folder \(prefix.isEmpty ? "." : prefix.joined(separator: "/")) does not exist (the glob \"\(pattern.text)\" starts there)", line: nil, isEmpty: false)
        }
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        let base = prefix.isEmpty ? "" : prefix.joined(separator: "/") + "/"
        let rootPath = root.standardizedFileURL.path
        var matches: [String] = []
        while let url = walker.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let full = url.standardizedFileURL.path
            guard full.hasPrefix(rootPath + "/") else { continue }
            let relative = base + full.dropFirst(rootPath.count + 1)
            if pattern.matches(relative), !exclusions.contains(where: { $0.matches(relative) }) { matches.append(relative) }
        }
        return matches.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    func records(in path: String, idField: String?, limit: Int?) throws(Problem) -> [InputItem] {
        let url = folder.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw Problem(message: "the file \(path) does not exist or cannot be read", line: nil, isEmpty: false)
        }
        var items: [InputItem] = []
        var seen: [String: Int] = [:]
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if let limit, items.count >= limit { break }
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            let number = index + 1
            let record: JSONValue
            do {
                record = try JSONParser().parse(line)
            } catch {
                throw Problem(message: "line \(number) of \(path) is not JSON: \(error.message)", line: number, isEmpty: false)
            }
            guard case .object = record else {
                throw Problem(message: "line \(number) of \(path) is \(record.typeName), not a JSON object", line: number, isEmpty: false)
            }
            var id = "line-\(number)"
            if let idField {
                switch record[idField] {
                case .string(let text)? where !text.isEmpty: id = text
                case .number(let value)?: id = value.description
                default:
                    throw Problem(message: "the record on line \(number) of \(path) has no \"\(idField)\" (a non-empty string or a number)", line: number, isEmpty: false)
                }
            }
            if let first = seen[id] {
                throw Problem(message: "\(idField ?? "id") \"\(id)\" appears on lines \(first) and \(number) of \(path); ids must be unique", line: number, isEmpty: false)
            }
            seen[id] = number
            items.append(InputItem(id: id, path: nil, record: record))
        }
        return items
    }
}
