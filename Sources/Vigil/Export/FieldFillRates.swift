public import JSONSchema

/// How many of a run's successful answers fill each field (the report's fill rates): the
/// fields as an export's columns name them, in that order.
public struct FieldFillRates: Sendable {
    /// Successful answers read.
    public private(set) var successes = 0
    /// Each field and how many answers filled it, in column order.
    public private(set) var rates: [(field: String, filled: Int)] = []

    /// Reads the run's results.jsonl (a line that cannot be read is skipped: the report says
    /// what it can); the fields in the order an export of the run has them.
    public init(run: RecordedRun) {
        var columns = ExportColumns(schema: ResultsExport.pinnedSchema(of: run))
        var filled: [String: Int] = [:]
        _ = try? AppendedLines.read(run.folder.results, repair: false) { line, _ in
            guard let result = line["result"] else { return }
            successes += 1
            columns.discover(result)
            for (column, value) in ExportColumns.flatten(result) where value.isFilled {
                filled[column, default: 0] += 1
            }
        }
        rates = columns.fields.map { ($0, filled[$0] ?? 0) }
    }
}
