import Foundation
import JSONSchema

/// `vigil pin`: writes the prompt file's sha256 into the job by editing the text at the
/// value's position, so comments, quoting and formatting survive.
public enum PromptPinner {
    /// What `pin` did.
    public enum Outcome: Sendable, Equatable {
        case alreadyPinned(sha256: String)
        case pinned(previous: String?, sha256: String)
        /// `--check`: what pinning would change (nothing was written): the pin written at
        /// `location` (the value, or `prompt:` when there is none) and the prompt file's digest.
        case outOfDate(previous: String?, sha256: String, location: SourceLocation, promptFile: String)
    }

    /// Pins the job at `path` to its prompt's sha256 (or, with `checkOnly`, says whether the pin holds), keeping comments and layout.
    public static func pin(jobAt path: String, displayName: String? = nil, checkOnly: Bool = false) throws(Diagnostic)
        -> Outcome
    {
        let name = displayName ?? path
        let tree = try YAMLLoader(maximumFileSize: 1 << 20).load(contentsOf: path, displayName: name)
        guard let prompt = tree.member("prompt"), let file = prompt.value.member("file"),
            let relative = file.value.stringValue
        else {
            throw Diagnostic(.missingKey, "the job has no prompt.file to pin", at: tree.location)
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let promptURL = PathResolver(folder: folder).url(relative)
        guard let digest = FileDigest.sha256(of: promptURL) else {
            throw Diagnostic(
                .promptMissing, "prompt file \(relative) does not exist or cannot be read", at: file.value.location)
        }
        let existing = prompt.value.member("sha256")
        let previous = existing.flatMap { member -> String? in
            switch member.value.content {
            case .string(let text): text
            // A digest of digits only reads as a number: its text is what was written.
            case .number(let number): writtenText(at: member.value.location, in: path) ?? number.description
            default: nil
            }
        }
        if previous == digest { return .alreadyPinned(sha256: digest) }
        if checkOnly {
            return .outOfDate(
                previous: previous, sha256: digest, location: existing?.value.location ?? prompt.keyLocation,
                promptFile: relative)
        }

        guard let data = FileManager.default.contents(atPath: path), var text = String(data: data, encoding: .utf8)
        else {
            throw Diagnostic(.fileUnreadable, "cannot read the job file", at: tree.location)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // A hash of digits only would read back as a number: quote it then.
        let written: String
        if case .string = YAMLScalar.resolvePlain(digest) { written = digest } else { written = "\"\(digest)\"" }
        if let existing {
            // A plain scalar of digits reads as a number; it is still the text to replace.
            switch existing.value.content {
            case .string, .null, .number: break
            default:
                throw Diagnostic(
                    .wrongType, "prompt.sha256 is not a text value; fix it by hand", at: existing.value.location)
            }
            let location = existing.value.location
            lines[location.line - 1] = replacingScalar(
                in: lines[location.line - 1], at: location.column, with: written,
                nullAtKey: isNull(existing.value) ? existing.keyLocation.column : nil)
        } else if file.keyLocation.line != prompt.keyLocation.line
            || prompt.value.location.line != prompt.keyLocation.line
        {
            // Block mapping: a new line under `file:`, at its indentation.
            let indent = String(repeating: " ", count: file.keyLocation.column - 1)
            lines.insert("\(indent)sha256: \(written)", at: file.value.location.line)
        } else if let close = lines[file.value.location.line - 1].lastIndex(of: "}") {
            // Flow mapping on one line: `prompt: {file: x}` -> `prompt: {file: x, sha256: ...}`.
            lines[file.value.location.line - 1].insert(contentsOf: ", sha256: \(written)", at: close)
        } else {
            throw Diagnostic(
                .promptNotPinned, "cannot place prompt.sha256 in this layout; add `sha256: \(digest)` by hand",
                at: prompt.keyLocation)
        }
        text = lines.joined(separator: "\n")
        do {
            try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: path))
        } catch {
            throw Diagnostic(.fileUnreadable, "cannot write the job file: \(error)", at: tree.location)
        }
        return .pinned(previous: previous, sha256: digest)
    }

    /// The plain scalar written at `location` of the file at `path` (up to a space, a comma,
    /// a closing brace or a comment).
    private static func writtenText(at location: SourceLocation, in path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard location.line >= 1, location.line <= lines.count else { return nil }
        let scalars = Array(lines[location.line - 1].unicodeScalars).dropFirst(location.column - 1)
        let written = String(String.UnicodeScalarView(scalars.prefix { !" \t,}#\r".unicodeScalars.contains($0) }))
        return written.isEmpty ? nil : written
    }

    private static func isNull(_ value: LocatedValue) -> Bool {
        if case .null = value.content { return true }
        return false
    }

    /// Replaces the scalar that starts at `column` (1-based, in Unicode scalars): a quoted
    /// scalar keeps its quotes; a plain one ends before a comment or the line's end. For an
    /// empty value (`sha256:`), the hash goes after the key's colon.
    static func replacingScalar(in line: String, at column: Int, with replacement: String, nullAtKey keyColumn: Int?)
        -> String
    {
        var scalars = Array(line.unicodeScalars)
        if let keyColumn {
            // `sha256:` or `sha256: ~`: keep the key and any comment, put the hash between.
            guard let colon = scalars[(keyColumn - 1)...].firstIndex(of: ":") else { return line }
            let comment =
                scalars[(colon + 1)...].firstIndex(of: "#").map {
                    " " + String(String.UnicodeScalarView(scalars[$0...]))
                } ?? ""
            return String(String.UnicodeScalarView(scalars[...colon])) + " " + replacement + comment
        }
        let start = column - 1
        guard start < scalars.count else { return line }
        var end = start
        if scalars[start] == "\"" || scalars[start] == "'" {
            let quote = scalars[start]
            end = start + 1
            while end < scalars.count, scalars[end] != quote { end += scalars[end] == "\\" && quote == "\"" ? 2 : 1 }
            scalars.replaceSubrange((start + 1)..<min(end, scalars.count), with: replacement.unicodeScalars)
        } else {
            while end < scalars.count, !(scalars[end] == " " && end + 1 < scalars.count && scalars[end + 1] == "#"),
                scalars[end] != "," && scalars[end] != "}"
            {
                end += 1
            }
            while end > start, scalars[end - 1] == " " { end -= 1 }
            scalars.replaceSubrange(start..<end, with: replacement.unicodeScalars)
        }
        return String(String.UnicodeScalarView(scalars))
    }
}
