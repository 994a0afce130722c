public import JSONSchema

extension RunReplay {
    /// The success rate over the run, in `parts` consecutive slices of its ended items (in
    /// the order they ended): how each slice went, and the rate so far at its end.
    public struct Slice: Sendable, Equatable {
        /// Items ended by the end of the slice.
        public var completed: Int
        /// When its last item ended.
        public var time: Double
        /// The slice's own success rate.
        public var rate: Double
        /// The success rate of every item so far.
        public var cumulative: Double
    }

    /// The run in `parts` slices (fewer when it has fewer items).
    public func slices(_ parts: Int) -> [Slice] {
        guard !ended.isEmpty, parts > 0 else { return [] }
        let size = max(1, (ended.count + parts - 1) / parts)
        var slices: [Slice] = []
        var succeededSoFar = 0
        var start = 0
        while start < ended.count {
            let end = min(ended.count, start + size)
            let slice = ended[start..<end]
            let good = slice.filter(\.succeeded).count
            succeededSoFar += good
            slices.append(
                Slice(
                    completed: end, time: slice.last!.time, rate: Double(good) / Double(slice.count),
                    cumulative: Double(succeededSoFar) / Double(end)))
            start = end
        }
        return slices
    }

    /// Retries by cause, the most frequent first.
    public var retriesByCause: [(cause: String, count: Int)] {
        Dictionary(grouping: retries, by: \.reason).map { ($0.key, $0.value.count) }.sorted {
            ($0.count, $1.cause) > ($1.count, $0.cause)
        }
    }

    /// `vigil events --summary` as text: the counts and how the run ended, the success rate
    /// over the run, failures by cause and by message, retries by cause.
    public func summaryLines(groups: Int = 10) -> [String] {
        var lines: [String] = []
        lines.append(
            "run \(run ?? "?")" + (job.map { " (\($0))" } ?? "") + ": "
                + (ending.map { $0.status.rawValue + ($0.reason.map { ": " + $0 } ?? "") } ?? "no end event yet"))
        lines.append(
            "items: \(total) total, \(completed) ended: \(succeeded) succeeded, \(failed) failed (success rate \(ThresholdCheck.percent(completed == 0 ? 0 : Double(succeeded) / Double(completed))))"
        )
        if let spent { lines.append("cost: \(spent)" + (maxCost.map { " of budget.max_cost \($0)" } ?? "")) }
        let slices = slices(groups)
        if slices.count > 1 {
            lines.append("success rate over the run (by \(slices.first!.completed) items):")
            var previous = 0
            for slice in slices {
                lines.append(
                    "  items \(previous + 1)-\(slice.completed): \(ThresholdCheck.percent((slice.rate * 1000).rounded() / 1000)) (so far \(ThresholdCheck.percent((slice.cumulative * 1000).rounded() / 1000)))"
                )
                previous = slice.completed
            }
        }
        if !failuresByKind.isEmpty {
            lines.append(
                "failures by cause: "
                    + failuresByKind.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }
                    .joined(separator: ", "))
            lines.append("failures by message:")
            for group in failureGroups.prefix(10) {
                lines.append(
                    "  \(group.count) × \(group.kind): \(group.message.count > 160 ? group.message.prefix(159) + "…" : Substring(group.message)) (e.g. \(group.examples.joined(separator: ", ")))"
                )
            }
            if failureGroups.count > 10 { lines.append("  ... and \(failureGroups.count - 10) other messages") }
        }
        if !retries.isEmpty {
            lines.append(
                "retries: \(retries.count): " + retriesByCause.map { "\($0.cause) \($0.count)" }.joined(separator: ", ")
            )
        }
        for (_, check) in checks where !check.passed {
            lines.append("threshold: \(check.sentence) (\(check.action))")
        }
        return lines
    }

    /// The same as one JSON object (`vigil events --summary --format jsonl`).
    public func summaryJSON(groups: Int = 10) -> JSONValue {
        var object = JSONObject()
        object["run"] = run.map { .string($0) } ?? .null
        object["status"] = ending.map { .string($0.status.rawValue) } ?? .null
        if let reason = ending?.reason { object["reason"] = .string(reason) }
        object["total"] = .number(JSONNumber(total))
        object["completed"] = .number(JSONNumber(completed))
        object["succeeded"] = .number(JSONNumber(succeeded))
        object["failed"] = .number(JSONNumber(failed))
        if let spent { object["cost_usd"] = spent.json }
        object["success_rate_over_run"] = .array(
            slices(groups).map { slice in
                var entry = JSONObject()
                entry["completed"] = .number(JSONNumber(slice.completed))
                entry["ts"] = .string(Timestamp.iso8601(slice.time))
                entry["rate"] = .number(JSONNumber((slice.rate * 10_000).rounded() / 10_000))
                entry["cumulative"] = .number(JSONNumber((slice.cumulative * 10_000).rounded() / 10_000))
                return .object(entry)
            })
        var kinds = JSONObject()
        for (kind, count) in failuresByKind.sorted(by: { $0.key < $1.key }) { kinds[kind] = .number(JSONNumber(count)) }
        object["failures_by_cause"] = .object(kinds)
        object["failures_by_message"] = .array(
            failureGroups.map { group in
                var entry = JSONObject()
                entry["kind"] = .string(group.kind)
                entry["message"] = .string(group.message)
                entry["count"] = .number(JSONNumber(group.count))
                entry["examples"] = .array(group.examples.map { .string($0) })
                return .object(entry)
            })
        var causes = JSONObject()
        for (cause, count) in retriesByCause { causes[cause] = .number(JSONNumber(count)) }
        object["retries_by_cause"] = .object(causes)
        return .object(object)
    }
}
