/// A place in a text file: 1-based line and column (columns count Unicode scalars, as
/// libyaml does and as editors expect).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file as named to the user.
    public var file: String
    /// The line, from 1, as editors count them.
    public var line: Int
    /// 1-based column, in Unicode scalars.
    public var column: Int

    /// A place in `file`: `line` and `column` from 1 (a column counts Unicode scalars).
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, the form compilers print and editors jump to.
    public var description: String { "\(file):\(line):\(column)" }

    /// Orders by file, then line, then column.
    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}
