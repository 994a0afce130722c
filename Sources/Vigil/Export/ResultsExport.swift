import CSV
public import Foundation
public import JSONSchema

/// `vigil export`: a run's results where people open them. CSV (RFC 4180: quoted as needed,
/// CRLF, UTF-8) or TSV through CSV.swift's writer, or JSON Lines of flat records. Rows are
/// sorted by item id, so two exports of the same results are the same bytes, whatever order
/// the items ended in, and a merged shard run exports as one run.
public struct ResultsExport: Sendable {
    /// What is written.
    public enum Format: String, Sendable, CaseIterable {
        case csv, tsv, jsonl
    }

    /// A problem with what was asked (an unknown field), or with the run's files.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// One row: the item, its path, its result (nil for a failure) and its error.
    struct Row {
        var id: String
        var path: String?
        var result: JSONValue?
        var error: String?
    }

    public let format: Format
    /// The columns after `id` and `path` (and before `error`).
    public let columns: ExportColumns
    /// Failures are rows too, with an `error` column.
    public let includesFailed: Bool
    private let rows: [Row]

    /// Reads a run folder's results (and failures): the columns from the success schema the run
    /// pinned (when it is still there) and what the results hold, or `fields`.
    public init(run: RecordedRun, format: Format, fields: [String]? = nil, includeFailed: Bool = false) throws {
        var rows: [Row] = []
        _ = try AppendedLines.read(run.folder.results, repair: false) { line, _ in
            guard let id = line["id"]?.stringValue else { return }
            rows.append(Row(id: id, path: line["path"]?.stringValue, result: line["result"] ?? .null))
        }
        if includeFailed {
            _ = try AppendedLines.read(run.folder.failed, repair: false) { line, _ in
                guard let id = line["id"]?.stringValue else { return }
                let kind = line["error"]?.stringValue ?? "failed"
                let message = line["message"]?.stringValue ?? ""
                rows.append(Row(id: id, path: line["path"]?.stringValue, error: "\(kind): \(message)"))
            }
        }
        rows.sort { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        var discovered = ExportColumns(schema: Self.pinnedSchema(of: run))
        for row in rows { if let result = row.result { discovered.discover(result) } }
        if let fields {
            let unknown = fields.filter { !discovered.fields.contains($0) }
            if !unknown.isEmpty {
                let names = unknown.map { "\"\($0)\"" }.joined(separator: ", ")
                let hint = unknown.first.flatMap { Suggestion.nearest(to: $0, in: discovered.fields) }
                throw Problem(
                    description:
                        "--fields names \(names), which no result of the run has and the success schema does not declare"
                        + (hint.map { "; did you mean \"\($0)\"?" } ?? "")
                        + "; the fields are: \(discovered.fields.joined(separator: ", "))")
            }
            columns = ExportColumns(fields: fields)
        } else {
            columns = discovered
        }
        self.format = format
        includesFailed = includeFailed
        self.rows = rows
    }

    /// The success schema the run pinned, when its file still has the pinned bytes (its
    /// property order is the columns' order).
    static func pinnedSchema(of run: RecordedRun) -> JSONValue? {
        guard let pinned = run.manifest.successSchema,
            let data = FileManager.default.contents(atPath: pinned.path),
            FileDigest.sha256(of: data) == pinned.sha256
        else { return nil }
        return try? JSONParser().parse(Array(data))
    }

    /// Rows written (without the header).
    public var rowCount: Int { rows.count }

    /// The header names: `id`, `path`, the fields, and `error` with failures.
    public var header: [String] { ["id", "path"] + columns.fields + (includesFailed ? ["error"] : []) }

    /// Writes the export to `sink`, a chunk at a time.
    public func write(to sink: (Data) throws -> Void) throws {
        switch format {
        case .jsonl: try writeJSONLines(to: sink)
        case .csv: try writeDelimited(delimiter: ",", newline: .crlf, to: sink)
        case .tsv: try writeDelimited(delimiter: "\t", newline: .lf, to: sink)
        }
    }

    /// A row's value for each of `columns.fields` (nil: none): a flattened column, or what a
    /// chosen field names (`--fields place` takes the whole object).
    private func values(_ row: Row) -> [JSONValue?] {
        guard let result = row.result else { return columns.fields.map { _ in nil } }
        let flat = Dictionary(ExportColumns.flatten(result), uniquingKeysWith: { first, _ in first })
        return columns.fields.map { flat[$0] ?? result.field($0) }
    }

    /// The cells of a row, as the header names them.
    private func cells(_ row: Row) -> [String] {
        [row.id, row.path ?? ""] + values(row).map(ExportColumns.text) + (includesFailed ? [row.error ?? ""] : [])
    }

    /// CSV or TSV: the quoting is CSV.swift's (a field with the delimiter, a quote or a line
    /// break is quoted, its quotes doubled). A writer per chunk of rows keeps memory flat.
    private func writeDelimited(delimiter: String, newline: CSVWriter.Newline, to sink: (Data) throws -> Void)
        throws
    {
        let lineEnd = Data((newline == .crlf ? "\r\n" : "\n").utf8)
        var pending = [header]
        var index = 0
        repeat {
            while pending.count < 1000 && index < rows.count {
                pending.append(cells(rows[index]))
                index += 1
            }
            let stream = OutputStream.toMemory()
            let writer = try CSVWriter(stream: stream, delimiter: delimiter, newline: newline)
            for row in pending { try writer.write(row: row) }
            writer.stream.close()
            guard var data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else {
                throw Problem(description: "the CSV writer gave no output")
            }
            data.append(lineEnd)
            try sink(data)
            pending.removeAll(keepingCapacity: true)
        } while index < rows.count
    }

    /// One flat JSON object per line: `id`, `path`, then the fields with their JSON values.
    private func writeJSONLines(to sink: (Data) throws -> Void) throws {
        var writer = JSONWriter(capacity: 1 << 16)
        for row in rows {
            var object = JSONObject()
            object["id"] = .string(row.id)
            object["path"] = row.path.map { .string($0) } ?? .null
            for (field, value) in zip(columns.fields, values(row)) { object[field] = value ?? .null }
            if includesFailed { object["error"] = row.error.map { .string($0) } ?? .null }
            writer.value(.object(object))
            writer.newline()
            if writer.count > 1 << 15 {
                try sink(Data(writer.bytes))
                writer.removeAll()
            }
        }
        try sink(Data(writer.bytes))
    }
}
