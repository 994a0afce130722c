public import Foundation
import JSONSchema

/// `vigil report`: one self-contained HTML file of a run — no script, font or image fetched
/// from anywhere, so it opens from disk, a mail or a static site. The verdict and the pins;
/// the success rate over items and over time with the thresholds drawn on it; throughput
/// and in flight; latency; failures by cause and message; retries; cost against the budget;
/// the slowest items; a sample of inputs beside what came of them; with a second run, the
/// diff. Every series is downsampled, so a run of 100,000 items makes a file of a few
/// hundred kilobytes.
public struct RunReportPage {
    /// One run as the report reads it.
    public struct Run {
        /// Its folder and manifest.
        public var recorded: RecordedRun
        /// Its event log, replayed.
        public var replay: RunReplay

        /// Reads the run folder.
        public init(_ recorded: RecordedRun) throws {
            self.recorded = recorded
            replay = try RunReplay(folder: recorded.folder)
        }
    }

    /// The run the page reports: its recorded folder and the replay of its log.
    public var run: Run
    /// A second run to compare it with (`vigil report A B`).
    public var other: Run?
    /// Where the file will be: images are linked relative to it.
    public var location: URL
    /// Items of each outcome shown in the sample.
    public var sampleSize = 6
    /// Extra markup at the end of `<head>` (the dashboard's live-update script).
    public var headExtra = ""
    /// Extra markup at the start of `<body>`, before the report (the dashboard's live line).
    public var bodyPrefix = ""

    /// A report of `run` (and `other`), to be written at `location`.
    public init(run: Run, other: Run? = nil, location: URL) {
        self.run = run
        self.other = other
        self.location = location
    }

    /// The whole page, self-contained (its styles and charts inline; nothing fetched).
    public func html() -> String {
        let manifest = run.recorded.manifest
        var body = ""
        body += verdict()
        body += pins()
        if let other { body += comparison(with: other) }
        body += section("Success", id: "success", successCharts())
        body += section("Throughput", id: "throughput", throughputCharts())
        body += section("Latency", id: "latency", latencySection())
        body += section("Failures", id: "failures", failuresSection())
        body += section("Fields", id: "fields", fieldsSection())
        body += section("Retries", id: "retries", retriesSection())
        body += section("Cost", id: "cost", costSection())
        body += section("Slowest items", id: "slowest", slowestSection())
        body += section("Sample of items", id: "sample", sampleSection())
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Vigil report: \(escape(manifest.runID))</title><link rel="icon" href="data:,">
            <style>\(Self.style)</style>\(headExtra)</head>
            <body>\(bodyPrefix)<main>
            <h1>Vigil run <code>\(escape(manifest.runID))</code></h1>
            \(body)
            <footer>Made by Vigil \(escape(VigilVersion.current)) at \(escape(Timestamp.iso8601(Timestamp.now()))) from \(escape(run.recorded.folder.url.path)).</footer>
            </main></body></html>

            """
    }

    private func section(_ title: String, id: String, _ content: String) -> String {
        "<section id=\"\(id)\"><h2>\(escape(title))</h2>\(content)</section>\n"
    }

    // MARK: Verdict and pins

    private func verdict() -> String {
        let manifest = run.recorded.manifest
        let replay = run.replay
        let status = manifest.status
        // A running run's manifest holds its counts at the start: the log has them now.
        let counts =
            status == .running
            ? RunCounts(
                total: max(replay.total, manifest.counts.total), succeeded: replay.succeeded, failed: replay.failed)
            : manifest.counts
        let rate = counts.completed == 0 ? "-" : ThresholdCheck.percent((counts.successRate * 1000).rounded() / 1000)
        var reason = manifest.verdict ?? replay.ending?.reason
        if status == .running && RunLock.holder(of: run.recorded.folder.url) == nil {
            reason = "no process runs it and it has no end: it crashed or was killed; vigil resume continues it"
        }
        let duration = (manifest.endedAt ?? replay.lastEvent).map { ThresholdCheck.duration($0 - manifest.startedAt) }
        return """
            <section id="verdict" class="verdict \(status.rawValue)"><p class="status" id="status">\(status.rawValue.uppercased())</p>
            <p><span id="count">\(counts.completed)</span> of \(counts.total) items ended: \(counts.succeeded) succeeded, \(counts.failed) failed (success rate \(rate))\(duration.map { ", in \($0)" } ?? "").</p>
            \(reason.map { "<p class=\"reason\">\(escape($0))</p>" } ?? "")</section>

            """
    }

    private func pins() -> String {
        let manifest = run.recorded.manifest
        var rows: [(String, String)] = []
        rows.append(("job", "\(manifest.jobPath) (sha256 \(manifest.jobSHA256.prefix(12)))"))
        rows.append(
            (
                "git",
                manifest.git.map { "\($0.commit.prefix(12))\($0.dirty ? " (dirty: uncommitted changes)" : "")" }
                    ?? "not in a git repository"
            ))
        rows.append(("prompt", "\(manifest.promptPath) (sha256 \(manifest.promptSHA256.prefix(12)))"))
        if let schema = manifest.successSchema {
            rows.append(("success schema", "\(schema.path) (sha256 \(schema.sha256.prefix(12)))"))
        }
        let model = manifest.model
        let modelText =
            model["provider"] == "openai"
            ? "openai \(model["name"]?.stringValue ?? "") at \(model["base_url"]?.stringValue ?? "")"
            : "command \(model["command"]?.arrayValue?.compactMap(\.stringValue).joined(separator: " ") ?? "") (\(model["mode"]?.stringValue ?? "per-item"))"
        rows.append(("model", modelText))
        rows.append(
            (
                "inputs",
                "\(manifest.inputCount) items (sha256 \(manifest.inputsSHA256.prefix(12)))"
                    + (manifest.canary.map { ", a canary of \($0)" } ?? "")
            ))
        rows.append(
            (
                "started",
                Timestamp.iso8601(manifest.startedAt)
                    + (manifest.resumes.isEmpty
                        ? "" : ", resumed \(manifest.resumes.count) time\(manifest.resumes.count == 1 ? "" : "s")")
            ))
        rows.append(("vigil", manifest.toolVersion))
        return "<section id=\"pins\"><h2>Pins</h2><table class=\"pins\">"
            + rows.map { "<tr><th>\(escape($0.0))</th><td><code>\(escape($0.1))</code></td></tr>" }.joined()
            + "</table></section>\n"
    }

    private func comparison(with other: Run) -> String {
        var lines: [String] = []
        let b = other.recorded.manifest
        lines.append(
            "B: <code>\(escape(b.runID))</code>, \(b.status.rawValue), \(b.counts.succeeded) succeeded, \(b.counts.failed) failed"
        )
        if let comparison = try? RunComparison(run.recorded, other.recorded) {
            lines +=
                comparison.pins.isEmpty
                ? ["the same job, prompt, success schema, model, inputs and Vigil version"]
                : comparison.pins.map { "pin: " + escape($0) }
            lines.append(
                "items: \(comparison.identical) same outcome, \(comparison.changedResults.count) different result, \(comparison.newlyFailed.count) succeeded in A but failed in B, \(comparison.newlySucceeded.count) failed in A but succeeded in B, \(comparison.onlyInA.count) only in A, \(comparison.onlyInB.count) only in B"
            )
            if let cost = comparison.costLine { lines.append(escape(cost)) }
            for (item, error) in comparison.newlyFailed.prefix(10) {
                lines.append("succeeded in A, failed in B: <code>\(escape(item))</code>: \(escape(error))")
            }
            for (item, changes) in comparison.changedResults.prefix(10) {
                lines.append(
                    "different result: <code>\(escape(item))</code>: \(escape(changes.prefix(3).joined(separator: "; ")))"
                )
            }
        }
        return section(
            "Compared with another run", id: "diff", "<ul>" + lines.map { "<li>\($0)</li>" }.joined() + "</ul>")
    }

    // MARK: Charts

    private static let blue = "#1f5fbf", orange = "#c25e00", green = "#2e7d32", red = "#b3261e", grey = "#666666",
        purple = "#6a3d9a"

    private func thresholdRules() -> [SVGChart.Rule] {
        let thresholds = run.recorded.manifest.spec["thresholds"]
        var rules: [SVGChart.Rule] = []
        for (name, count, color) in [
            ("early", "after", Self.red), ("window", "size", Self.orange), ("progressive", "every", Self.purple),
        ] {
            guard let check = thresholds?[name], let rate = check["min_success_rate"]?.numberValue?.doubleValue else {
                continue
            }
            let n = check[count]?.numberValue?.int64Value ?? 0
            rules.append(
                SVGChart.Rule(
                    y: rate * 100,
                    label:
                        "\(name) \(ThresholdCheck.percent(rate)) (\(count) \(n), \(check["action"]?.stringValue ?? (name == "progressive" ? "warn" : "abort")))",
                    color: color))
        }
        return rules
    }

    /// Cumulative and windowed success rate per ended item, in percent.
    private static func rates(_ ended: [RunReplay.ItemEnd], window: Int) -> (
        cumulative: [(x: Double, y: Double)], window: [(x: Double, y: Double)]
    ) {
        var cumulative: [(x: Double, y: Double)] = []
        var windowed: [(x: Double, y: Double)] = []
        cumulative.reserveCapacity(ended.count)
        var good = 0
        var inWindow = 0
        for (index, item) in ended.enumerated() {
            if item.succeeded {
                good += 1
                inWindow += 1
            }
            if index >= window, ended[index - window].succeeded { inWindow -= 1 }
            cumulative.append((Double(index + 1), Double(good) / Double(index + 1) * 100))
            windowed.append((Double(index + 1), Double(inWindow) / Double(min(index + 1, window)) * 100))
        }
        return (cumulative, windowed)
    }

    private func successCharts() -> String {
        let ended = run.replay.ended
        guard !ended.isEmpty else { return "<p>No item has ended yet.</p>" }
        let window = Int(run.recorded.manifest.spec["thresholds"]?["window"]?["size"]?.numberValue?.int64Value ?? 50)
        let (cumulative, windowed) = Self.rates(ended, window: max(1, window))
        var series = [
            SVGChart.Series(name: "success rate so far", points: Downsample.series(cumulative), color: Self.blue),
            SVGChart.Series(
                name: "over the last \(window) items", points: Downsample.series(windowed), color: Self.green,
                dashed: true),
        ]
        if let other {
            let (otherCumulative, _) = Self.rates(other.replay.ended, window: max(1, window))
            series.append(
                SVGChart.Series(name: "run B, so far", points: Downsample.series(otherCumulative), color: Self.grey))
        }
        let items = SVGChart(
            title: "Success rate over items", xLabel: "items ended", yLabel: "success rate (%)", series: series,
            rules: thresholdRules(), yRange: 0...100,
            xFormat: { String(Int($0.rounded())) }, yFormat: { "\(Int($0))%" }, id: "chart-success-items")
        let start = run.replay.firstEvent ?? ended[0].time
        let unit = SVGChart.timeUnit(span: (run.replay.lastEvent ?? start) - start)
        var good = 0
        let overTime = ended.enumerated().map { index, item -> (x: Double, y: Double) in
            if item.succeeded { good += 1 }
            return ((item.time - start) / unit.seconds, Double(good) / Double(index + 1) * 100)
        }
        let time = SVGChart(
            title: "Success rate over time", xLabel: "time since the run started (\(unit.name))",
            yLabel: "success rate (%)",
            series: [
                SVGChart.Series(name: "success rate so far", points: Downsample.series(overTime), color: Self.blue)
            ], rules: thresholdRules(),
            yRange: 0...100, xFormat: { SVGChart.number($0) + " " + unit.name }, yFormat: { "\(Int($0))%" },
            id: "chart-success-time")
        let checks = run.replay.checks.filter { !$0.check.passed || $0.check.check == "early" }.map {
            "<li class=\"\($0.check.passed ? "pass" : "fail")\">\(escape(Timestamp.iso8601($0.time))): \(escape($0.check.sentence)) (\(escape($0.check.action)))</li>"
        }
        return items.html + time.html
            + (checks.isEmpty ? "" : "<h3>Threshold checks</h3><ul class=\"checks\">\(checks.joined())</ul>")
    }

    /// Counts of `times` in `buckets` equal spans from `start` to `end`, as (time, per time
    /// unit), in the unit `SVGChart.timeUnit` picks for the span.
    private static func histogram(_ times: [Double], start: Double, end: Double, buckets: Int = 60) -> [(
        x: Double, y: Double
    )] {
        let span = max(end - start, 1)
        let unit = SVGChart.timeUnit(span: span).seconds
        let width = span / Double(buckets)
        var counts = [Int](repeating: 0, count: buckets)
        for time in times { counts[min(buckets - 1, max(0, Int((time - start) / width)))] += 1 }
        return counts.enumerated().map {
            (x: (Double($0.offset) + 0.5) * width / unit, y: Double($0.element) / (width / unit))
        }
    }

    private func throughputCharts() -> String {
        let replay = run.replay
        guard let start = replay.firstEvent, let end = replay.lastEvent, !replay.ended.isEmpty else {
            return "<p>No item has ended yet.</p>"
        }
        let unit = SVGChart.timeUnit(span: end - start)
        let per = unit.name == "s" ? "second" : unit.name == "min" ? "minute" : "hour"
        let throughput = SVGChart(
            title: "Items ended per \(per)", xLabel: "time since the run started (\(unit.name))",
            yLabel: "items per \(per)",
            series: [
                SVGChart.Series(
                    name: "items per \(per)", points: Self.histogram(replay.ended.map(\.time), start: start, end: end),
                    color: Self.blue, bars: true)
            ],
            xFormat: { SVGChart.number($0) + " " + unit.name }, id: "chart-throughput")
        let inFlight = SVGChart(
            title: "Items in flight", xLabel: "time since the run started (\(unit.name))", yLabel: "items in flight",
            series: [
                SVGChart.Series(
                    name: "in flight (progress events)",
                    points: Downsample.series(
                        replay.inFlight.map { (($0.time - start) / unit.seconds, Double($0.count)) }),
                    color: Self.orange)
            ],
            xFormat: { SVGChart.number($0) + " " + unit.name }, id: "chart-in-flight")
        return throughput.html + inFlight.html
    }

    private func latencySection() -> String {
        let replay = run.replay
        guard let p50 = replay.latency.percentile(0.5), let p95 = replay.latency.percentile(0.95),
            let p99 = replay.latency.percentile(0.99)
        else {
            return "<p>No item has ended yet.</p>"
        }
        // Log-spaced bins between the fastest and slowest item.
        let latencies = replay.ended.map { max($0.latency, 0.1) }
        let low = log10(latencies.min()!)
        let high = max(log10(latencies.max()!), low + 0.01)
        let binCount = 30
        var bins = [Int](repeating: 0, count: binCount)
        for latency in latencies {
            bins[min(binCount - 1, Int((log10(latency) - low) / (high - low) * Double(binCount)))] += 1
        }
        let points = bins.enumerated().map {
            (x: low + (Double($0.offset) + 0.5) * (high - low) / Double(binCount), y: Double($0.element))
        }
        let chart = SVGChart(
            title: "Latency per item", xLabel: "latency (log scale)", yLabel: "items",
            series: [SVGChart.Series(name: "items", points: points, color: Self.blue, bars: true)],
            rules: [], xFormat: { EventText.milliseconds(pow(10, $0)) }, roundX: false, id: "chart-latency")
        return
            "<p class=\"figures\">p50 <b>\(EventText.milliseconds(p50))</b> · p95 <b>\(EventText.milliseconds(p95))</b> · p99 <b>\(EventText.milliseconds(p99))</b> over \(replay.latency.count) items</p>"
            + chart.html
    }

    private func failuresSection() -> String {
        let replay = run.replay
        guard replay.failed > 0 else { return "<p>No item failed.</p>" }
        let most = Double(replay.failuresByKind.values.max() ?? 1)
        let kinds = replay.failuresByKind.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map {
            "<tr><th>\(escape($0.key))</th><td class=\"bar\"><i style=\"width:\(Int(Double($0.value) / most * 100))%\"></i></td><td>\($0.value)</td></tr>"
        }
        let messages = replay.failureGroups.prefix(15).map { group in
            "<tr><td>\(group.count)</td><td>\(escape(group.kind))</td><td>\(escape(group.message))</td><td>\(group.examples.map { "<code>\(escape($0))</code>" }.joined(separator: "<br>"))</td></tr>"
        }
        return "<h3>By cause</h3><table class=\"bars\" id=\"failures-by-cause\">\(kinds.joined())</table>"
            + "<h3>By message</h3><table class=\"list\"><tr><th>items</th><th>cause</th><th>message</th><th>for example</th></tr>\(messages.joined())</table>"
            + (replay.failureGroups.count > 15 ? "<p>and \(replay.failureGroups.count - 15) other messages</p>" : "")
    }

    private func retriesSection() -> String {
        let replay = run.replay
        guard !replay.retries.isEmpty, let start = replay.firstEvent, let end = replay.lastEvent else {
            return "<p>No request was retried.</p>"
        }
        let all = Self.histogram(replay.retries.map(\.time), start: start, end: end)
        let limited = Self.histogram(
            replay.retries.filter { $0.reason == "HTTP 429" }.map(\.time), start: start, end: end)
        let unit = SVGChart.timeUnit(span: end - start)
        let per = unit.name == "s" ? "second" : unit.name == "min" ? "minute" : "hour"
        let chart = SVGChart(
            title: "Retries per \(per)", xLabel: "time since the run started (\(unit.name))",
            yLabel: "retries per \(per)",
            series: [
                SVGChart.Series(name: "all retries", points: all, color: Self.orange, bars: true),
                SVGChart.Series(name: "HTTP 429 (rate limited)", points: limited, color: Self.red, bars: true),
            ], xFormat: { SVGChart.number($0) + " " + unit.name }, id: "chart-retries")
        return "<p class=\"figures\">\(replay.retries.count) retries: "
            + replay.retriesByCause.map { "\(escape($0.cause)) \($0.count)" }.joined(separator: ", ") + "</p>"
            + chart.html
    }

    private func costSection() -> String {
        let replay = run.replay
        let budget = run.recorded.manifest.cost?.budget?.maxCost
        guard replay.ended.contains(where: { $0.cost != nil }) else {
            return
                "<p>Nothing is priced: the job has no <code>model.pricing</code> and the endpoint reported no cost.</p>"
        }
        var total = Dollars.zero
        let points = replay.ended.enumerated().map { index, item -> (x: Double, y: Double) in
            total += item.cost ?? .zero
            return (Double(index + 1), total.usd)
        }
        let chart = SVGChart(
            title: "Cost over items", xLabel: "items ended", yLabel: "USD spent",
            series: [SVGChart.Series(name: "spent", points: Downsample.series(points), color: Self.green)],
            rules: budget.map { [SVGChart.Rule(y: $0.usd, label: "budget.max_cost \($0)", color: Self.red)] } ?? [],
            xFormat: { String(Int($0.rounded())) }, yFormat: { String(format: $0 < 1 ? "$%.4f" : "$%.2f", $0) },
            id: "chart-cost")
        let spent = replay.spent ?? total
        return "<p class=\"figures\">\(spent) spent" + (budget.map { " of budget.max_cost \($0)" } ?? "")
            + ", \(Dollars(picodollars: spent.picodollars / Int64(max(1, replay.completed)))) per item</p>" + chart.html
    }

    private func slowestSection() -> String {
        let slowest = run.replay.slowest(10)
        guard !slowest.isEmpty else { return "<p>No item has ended yet.</p>" }
        return "<table class=\"list\"><tr><th>item</th><th>latency</th><th>outcome</th></tr>"
            + slowest.map {
                "<tr><td><code>\(escape($0.id))</code></td><td>\(EventText.milliseconds($0.latency))</td><td>\($0.succeeded ? "succeeded" : "failed")</td></tr>"
            }.joined()
            + "</table>"
    }

    // MARK: Sample

    /// The reference verdict's per-field table (when the run had known answers), and each
    /// field's fill rate over the run's successes, against `thresholds.fields` when it sets one.
    private func fieldsSection() -> String {
        var html = ""
        if let table = run.replay.reference?.table {
            let rows = table.fields.map { figures in
                let share = figures.agreement.map(ThresholdCheck.percent) ?? "-"
                return
                    "<tr><th>\(escape(figures.name))</th><td>\(figures.agreed)/\(figures.compared)</td><td>\(share)</td><td>\(escape(figures.field.comparison.description))</td></tr>"
            }
            let disagreements = table.disagreements.prefix(10).map {
                "<tr><td><code>\(escape($0.item))</code></td><td>\(escape($0.field))</td><td>\(escape($0.expected.abbreviated))</td><td>\(escape($0.got?.abbreviated ?? "(no value)"))</td></tr>"
            }
            html +=
                "<h3>Agreement with the reference answers</h3><p>\(escape(run.replay.reference?.check.sentence ?? ""))</p>"
                + "<table class=\"list\" id=\"reference-fields\"><tr><th>field</th><th>agreed</th><th>share</th><th>compared as</th></tr>\(rows.joined())</table>"
            if !disagreements.isEmpty {
                html +=
                    "<h3>First disagreements</h3><table class=\"list\"><tr><th>item</th><th>field</th><th>expected</th><th>got</th></tr>\(disagreements.joined())</table>"
            }
        }
        let fill = FieldFillRates(run: run.recorded)
        guard fill.successes > 0 else { return html.isEmpty ? "<p>No item has succeeded yet.</p>" : html }
        var limits: [String: Double] = [:]
        for (name, rate) in run.recorded.manifest.spec["thresholds"]?["fields"]?["min_filled"]?.objectValue
            ?? JSONObject()
        {
            limits[name] = rate.numberValue?.doubleValue
        }
        let rows = fill.rates.prefix(60).map { name, filled in
            let share = Double(filled) / Double(fill.successes)
            let limit = limits[name].map { " (min \(ThresholdCheck.percent($0)))" } ?? ""
            let low = limits[name].map { share < $0 } ?? false
            return
                "<tr\(low ? " class=\"low\"" : "")><th>\(escape(name))</th><td class=\"bar\"><i style=\"width:\(Int(share * 100))%\"></i></td><td>\(ThresholdCheck.percent(share))\(limit)</td></tr>"
        }
        return html
            + "<h3>Fill rate over the run</h3><p>The share of the \(fill.successes) successful answers that fill each field (not null, empty text, [] or {}).</p>"
            + "<table class=\"bars\" id=\"fill-rates\">\(rows.joined())</table>"
    }

    private func sampleSection() -> String {
        let folder = run.recorded.folder
        var rows: [String] = []
        for (url, succeeded) in [(folder.results, true), (folder.failed, false)] {
            // Only the first lines are read (the files may hold 100,000 each).
            guard var reader = JSONLinesReader(url: url, maximumLineLength: JSONLinesReader.runFolderLineLimit) else {
                continue
            }
            defer { reader.close() }
            var taken = 0
            while taken < sampleSize, let line = try? reader.next() {
                guard let json = try? JSONParser(allowsDuplicateKeys: true).parse(String(decoding: line, as: UTF8.self))
                else { continue }
                taken += 1
                rows.append(sampleRow(json, succeeded: succeeded))
            }
        }
        guard !rows.isEmpty else { return "<p>No item has ended yet.</p>" }
        return
            "<p>The first items of results.jsonl and failed.jsonl: the input beside what came of it.</p><div class=\"samples\">\(rows.joined())</div>"
    }

    private func sampleRow(_ line: JSONValue, succeeded: Bool) -> String {
        let id = line["id"]?.stringValue ?? "?"
        var input = "<p class=\"muted\">a record (its JSON was sent)</p>"
        if let path = line["path"]?.stringValue {
            let url = PathResolver(folder: run.recorded.jobFolder).url(path)
            // Known by its bytes, as it was sent; what the model was shown, under it.
            let kind = FileContentKind.leadingBytes(of: url.path).flatMap(FileContentKind.image(leading:))
            let sent = SentImage(json: line["sent"]).map { sent in
                "<p class=\"muted\">sent as \(sent.format.uppercased()) \(sent.size.width) x \(sent.size.height), \(ByteCount.text(sent.bytes))\(sent.converted ? ", converted by libvips" : ", as it is")</p>"
            }
            if case .image = kind {
                input =
                    "<img src=\"\(escape(Self.relativePath(from: location.deletingLastPathComponent(), to: url)))\" alt=\"\(escape(path))\" loading=\"lazy\">"
                    + (sent ?? "")
            } else if case .otherImage(let format) = kind {
                input =
                    "<p class=\"muted\">\(escape(path)): a \(escape(format)) master, which browsers do not show</p>"
                    + (sent ?? "")
            } else if let text = try? String(contentsOf: url, encoding: .utf8) {
                input = "<pre>\(escape(String(text.prefix(1500))))\(text.count > 1500 ? "…" : "")</pre>"
            } else {
                input = "<p class=\"muted\">\(escape(path)) cannot be read from here</p>"
            }
        }
        var outcome: String
        if succeeded {
            outcome = "<pre>\(escape(String((line["result"].map(Self.pretty) ?? "").prefix(3000))))</pre>"
        } else {
            outcome =
                "<p class=\"fail\">\(escape(line["error"]?.stringValue ?? "")): \(escape(line["message"]?.stringValue ?? ""))</p>"
        }
        return
            "<article class=\"sample \(succeeded ? "ok" : "ko")\"><h3><code>\(escape(id))</code> \(succeeded ? "succeeded" : "failed")</h3><div class=\"pair\"><div>\(input)</div><div>\(outcome)</div></div></article>"
    }

    static func pretty(_ value: JSONValue) -> String {
        guard let object = value.objectValue else { return value.jsonText() }
        return "{\n"
            + object.map { "  \(JSONValue.string($0.key).jsonText()): \($0.value.jsonText())" }.joined(separator: ",\n")
            + "\n}"
    }

    /// `to` as a path relative to the folder `from` (`../../jobs/data/a.png`).
    static func relativePath(from folder: URL, to file: URL) -> String {
        let base = folder.standardizedFileURL.pathComponents
        let target = file.standardizedFileURL.pathComponents
        var common = 0
        while common < min(base.count, target.count) && base[common] == target[common] { common += 1 }
        let ups = Array(repeating: "..", count: base.count - common)
        return (ups + target[common...]).joined(separator: "/")
    }

    static let style = """
        :root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;background:#fafafa}
        main{max-width:1000px;margin:0 auto;padding:1rem 1.5rem}h1{font-size:1.4rem}h2{font-size:1.15rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
        h3{font-size:1rem}code{font-family:ui-monospace,monospace;font-size:.9em}table{border-collapse:collapse;width:100%}
        th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #eee;vertical-align:top}table.pins th{width:9rem;color:#444}
        .verdict{padding:.6rem 1rem;border-left:6px solid #666;background:#fff}.verdict .status{font-weight:700;font-size:1.2rem;margin:.2rem 0}
        .verdict.completed{border-color:#2e7d32}.verdict.aborted,.verdict.failed{border-color:#b3261e}.verdict.interrupted,.verdict.running{border-color:#c25e00}
        .reason{color:#444}figure.chart{margin:1rem 0;background:#fff;padding:.5rem;border:1px solid #e4e4e4}figure svg{width:100%;height:auto}
        .chart-title{font-weight:600;font-size:14px}.tick{font-size:11px;fill:#444}.label{font-size:12px;fill:#222}.rule{font-size:11px}
        .grid{stroke:#eee}.axis{stroke:#888}figcaption{font-size:.85rem;color:#333}.key{margin-right:1rem;white-space:nowrap}
        .key i{display:inline-block;width:14px;height:4px;margin-right:.3rem;vertical-align:middle}.key i.dash{height:0;border-top:2px dashed}
        table.bars td.bar{width:60%}table.bars td.bar i{display:block;height:12px;background:#b3261e}.figures{font-size:1rem}
        .checks .fail{color:#b3261e}.muted{color:#666}.fail{color:#b3261e}
        .samples article{background:#fff;border:1px solid #e4e4e4;margin:.7rem 0;padding:.4rem .8rem}.sample.ok h3{color:#2e7d32}.sample.ko h3{color:#b3261e}
        .pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem}.pair img{max-width:100%;max-height:360px}pre{white-space:pre-wrap;word-break:break-word;font-size:.82rem;margin:0}
        footer{margin-top:2rem;color:#666;font-size:.8rem}
        """
}
