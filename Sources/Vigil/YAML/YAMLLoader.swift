import Foundation
import JSONSchema
import Yams

/// Reads one YAML document into a `LocatedValue`, refusing quickly and with a location
/// anything a job file must not be: not UTF-8, empty, several documents, a repeated key,
/// an alias bomb, or a value JSON cannot hold.
public struct YAMLLoader: Sendable {
    /// Largest file accepted, in bytes.
    public var maximumFileSize: Int

    /// A loader refusing files over `maximumFileSize` bytes.
    public init(maximumFileSize: Int = 8 << 20) {
        self.maximumFileSize = maximumFileSize
    }

    /// Loads the file at `path`; diagnostics name it as `displayName` (default: `path`).
    public func load(contentsOf path: String, displayName: String? = nil) throws(Diagnostic) -> LocatedValue {
        let name = displayName ?? path
        return try load(bytes: read(path, displayName: name), file: name)
    }

    /// The file's bytes, refused without reading when `stat` says it is over the limit.
    public func read(_ path: String, displayName: String? = nil) throws(Diagnostic) -> [UInt8] {
        let name = displayName ?? path
        let start = SourceLocation(file: name, line: 1, column: 1)
        // Known from stat(2) before a byte is read.
        if let size = FileStamp.of(path)?.size, size > maximumFileSize {
            throw Diagnostic(
                .yamlTooLarge, "file is \(ByteCount.text(size)); the limit is \(ByteCount.text(maximumFileSize))",
                at: start,
                hint:
                    "is this the right file? A job or schema file is a few kilobytes; data belongs in the files its inputs name"
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic(.fileUnreadable, "cannot read the file (missing, a folder, or no permission)", at: start)
        }
        return Array(data)
    }

    /// Loads bytes already read; diagnostics name them as `file`.
    public func load(bytes: [UInt8], file: String) throws(Diagnostic) -> LocatedValue {
        let text = try TextDecoding.utf8Text(bytes, file: file, maximumSize: maximumFileSize)
        let root: Node?
        do {
            root = try Parser(yaml: text, resolver: .basic).singleRoot()
        } catch {
            throw YAMLErrorTranslation.diagnostic(for: error, text: text, file: file)
        }
        guard let root else {
            throw Diagnostic(
                .yamlEmpty, "the file holds no YAML document", at: SourceLocation(file: file, line: 1, column: 1))
        }
        var converter = YAMLNodeConverter(file: file, nodeBudget: max(10_000, bytes.count))
        return try converter.convert(root)
    }
}
