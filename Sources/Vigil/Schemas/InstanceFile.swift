/// Files of instances to check against a schema: `.jsonl`/`.ndjson` (one instance per
/// line), `.json` (one), `.yaml`/`.yml` (one).
public enum InstanceFile {
    /// The instances of a file, and a diagnostic for each line or file that is not JSON.
    public static func load(_ path: String, displayName: String? = nil) -> (
        instances: [JSONDocument], problems: [Diagnostic]
    ) {
        let name = displayName ?? path
        let start = SourceLocation(file: name, line: 1, column: 1)
        guard path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") else {
            do {
                return ([try JSONDocument.load(path, displayName: name)], [])
            } catch {
                return ([], [error])
            }
        }
        let bytes: [UInt8]
        do {
            bytes = try ContentsOfFile.read(path, maximumSize: ContentsOfFile.instanceLimit)
        } catch {
            return ([], [Diagnostic(.fileUnreadable, error.description, at: start)])
        }
        var instances: [JSONDocument] = []
        var problems: [Diagnostic] = []
        for (index, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let lineStart = SourceLocation(file: name, line: index + 1, column: 1)
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            guard let text = String(validating: line, as: UTF8.self) else {
                problems.append(Diagnostic(.yamlEncoding, "the line is not valid UTF-8", at: lineStart))
                continue
            }
            do {
                instances.append(try JSONDocument.parseJSON(text, at: lineStart))
            } catch {
                problems.append(error)
            }
        }
        return (instances, problems)
    }
}
