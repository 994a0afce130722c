import Yams

/// Turns Yams errors into located diagnostics, without ever printing a Yams error's
/// `description` (which dumps the whole file).
enum YAMLErrorTranslation {
    static func diagnostic(for error: any Error, text: String, file: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard let error = error as? YamlError else {
            return Diagnostic(.yamlSyntax, "cannot parse the file as YAML", at: start)
        }
        switch error {
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? "?"
            let first = at(context.mark)
            let repeated =
                DuplicateKeyFinder.repeatedOccurrence(
                    of: key, line: context.mark.line, column: context.mark.column, in: text
                )
                .map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? first
            return Diagnostic(
                .yamlDuplicateKey,
                "duplicate key \"\(key)\" (first defined at line \(first.line), column \(first.column))",
                at: repeated, hint: "remove one of the two; YAML would silently keep only one of them")
        case .composer(_, let problem, let mark, _) where problem.contains("another document"):
            return Diagnostic(
                .yamlMultipleDocuments, "the file holds more than one YAML document", at: at(mark),
                hint: "a job file is one document; remove the '---' separator and what follows, or split the file")
        case .parser(_, let problem, let mark, _) where problem.hasPrefix("Maximum nesting level"):
            // libyaml stops at 1,000 levels (yaml_set_max_nest_level): a bound against a hostile file.
            return Diagnostic(
                .yamlSyntax, "the YAML nests more than 1,000 lists or mappings deep; refusing it", at: at(mark),
                hint: "a job file is a few levels deep; is this the right file?")
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            let line = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(mark.line - 1).first
            let hint =
                line.map { Array($0.unicodeScalars).dropFirst(mark.column - 1).first == "\t" } == true
                ? "YAML does not allow tabs for indentation; indent with spaces" : nil
            return Diagnostic(.yamlSyntax, "\(problem)\(detail)", at: at(mark), hint: hint)
        case .reader(let problem, let offset, _, _):
            let location =
                offset.map { TextDecoding.location(ofByte: $0, in: Array(text.utf8)[...], file: file) } ?? start
            return Diagnostic(.yamlEncoding, problem, at: location)
        default:
            return Diagnostic(.yamlSyntax, "cannot parse the file as YAML", at: start)
        }
    }
}

/// Yams reports a duplicate key at its first occurrence; the line to fix is the repeat.
enum DuplicateKeyFinder {
    /// The mark of the next occurrence of `key` in the same mapping as `first`: in block
    /// style, a later line at the same indentation before the mapping ends; in flow style,
    /// a later `key:` on the following text.
    static func repeatedOccurrence(of key: String, line firstLineNumber: Int, column firstColumn: Int, in text: String)
        -> (line: Int, column: Int)?
    {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
        guard firstLineNumber >= 1, firstLineNumber <= lines.count else { return nil }
        let keyForms = [key, "\"\(key)\"", "'\(key)'"].map { Array($0.unicodeScalars) }
        func keyStarts(_ line: [Unicode.Scalar], at column: Int) -> Bool {
            for form in keyForms
            where line.count >= column - 1 + form.count && Array(line[(column - 1)..<(column - 1 + form.count)]) == form
            {
                var index = column - 1 + form.count
                while index < line.count, line[index] == " " || line[index] == "\t" { index += 1 }
                if index < line.count, line[index] == ":" { return true }
            }
            return false
        }
        // Flow style: later on the same line.
        let firstLine = lines[firstLineNumber - 1]
        var column = firstColumn + 1
        while column <= firstLine.count {
            if firstLine[column - 2] == "," || firstLine[column - 2] == " " || firstLine[column - 2] == "{",
                keyStarts(firstLine, at: column)
            {
                return (firstLineNumber, column)
            }
            column += 1
        }
        // Block style: same indentation on a later line, until the mapping ends.
        for number in firstLineNumber..<lines.count {
            let line = lines[number]
            guard let indent = line.firstIndex(where: { $0 != " " }), line[indent] != "#" else { continue }
            if indent + 1 < firstColumn { break }
            if indent + 1 == firstColumn, keyStarts(line, at: firstColumn) { return (number + 1, firstColumn) }
        }
        return nil
    }
}
