import Foundation
public import JSONSchema

/// What a run of a job would do, for `vigil plan`: items, model, prompt, checks, output.
public struct JobPlan: Sendable {
    /// The job as validated.
    public var job: JobSpec
    /// How many items it covers.
    public var itemCount: Int
    /// The first items, in run order.
    public var firstItems: [InputItem]
    /// The shard planned (`vigil plan --shard I/N`): what part of the run's caps it keeps.
    public var shard: Shard?
    /// What the input files are by their first bytes (nil: the model reads no file's bytes).
    public var inputKinds: InputKinds?

    /// A plan of `job` over `itemCount` items, showing `firstItems` as the run would take them
    /// (of the whole run: a shard's items are known once its run lists them).
    public init(
        job: JobSpec, itemCount: Int, firstItems: [InputItem], shard: Shard? = nil, inputKinds: InputKinds? = nil
    ) {
        self.inputKinds = inputKinds
        self.job = job
        self.itemCount = itemCount
        self.firstItems = firstItems
        self.shard = shard
    }

    /// What the planned shard keeps of the run's caps (nil: not a shard, or no caps).
    var shardShare: ShardShare? {
        shard.flatMap { ShardShare.kept(by: job, among: $0.count) }
    }

    var modelDescription: String {
        switch job.model.provider {
        case .openAI(let baseURL, let name, let keyVariable):
            return "openai \(name) at \(baseURL) (key from $\(keyVariable))"
        case .command(let arguments, let mode, _):
            return "command [\(arguments.joined(separator: " "))] (\(mode.rawValue))"
        }
    }

    var thresholdLines: [String] {
        func check(_ name: String, _ check: ThresholdSpec.Check?, _ unit: String) -> String? {
            check.map {
                "\(name): \(unit) \($0.count) items, at least \(Int(($0.minimumSuccessRate * 100).rounded()))% success, else \($0.action.rawValue)"
            }
        }
        var lines = [
            check("early", job.thresholds.early, "after"), check("progressive", job.thresholds.progressive, "every"),
            check("window", job.thresholds.window, "over the last"),
        ].compactMap { $0 }
        if let limit = job.thresholds.maximumConsecutiveFailures {
            lines.append("max consecutive failures: \(limit), else abort")
        }
        return lines.isEmpty ? ["none"] : lines
    }

    /// The plan for people.
    public func text(firstItems: Int) -> String {
        var lines = ["job: \(job.name)" + (job.description.map { " — \($0)" } ?? ""), "items: \(itemCount)"]
        let shown = self.firstItems.prefix(firstItems)
        for item in shown { lines.append("  \(item.path ?? item.id)") }
        if itemCount > shown.count { lines.append("  ... and \(itemCount - shown.count) more") }
        if let imagesLine { lines.append(imagesLine) }
        lines.append("model: \(modelDescription)" + (job.model.timeout.map { ", timeout \($0)" } ?? ""))
        if !job.model.parameters.isEmpty {
            lines.append("parameters: \(JSONValue.object(job.model.parameters).jsonText())")
        }
        if let pricing = job.model.pricing {
            lines.append(
                "pricing: \(pricing.input * 1_000_000) input, \(pricing.output * 1_000_000) output per million tokens")
        }
        if let budget = job.budget {
            var caps = budget.description
            if let pricing = job.model.pricing, let bound = job.model.outputTokenBound {
                caps +=
                    "; each request reserves its input estimate plus up to \(pricing.output * bound) of output (max_tokens \(bound)) before it is sent"
            }
            lines.append("budget: \(caps)")
        }
        lines.append("prompt: \(job.prompt.file) (sha256 \(job.prompt.sha256))")
        var success: [String] = []
        if let schema = job.success.schema { success.append("validates against \(schema)") }
        if !job.success.requiredFields.isEmpty {
            success.append("has \(job.success.requiredFields.joined(separator: ", "))")
        }
        lines.append("success: \(success.joined(separator: " and "))")
        lines.append("thresholds:")
        lines += thresholdLines.map { "  \($0)" }
        let execution = job.execution
        lines.append(
            "execution: concurrency \(execution.concurrency), up to \(execution.retries.maximumAttempts) attempts (\(execution.retries.initialDelay)..\(execution.retries.maximumDelay))"
                + (execution.rateLimit.map { ", at most \($0.requests) requests per \($0.per)" } ?? ""))
        if let shard {
            lines.append(
                "shard \(shard): about 1/\(shard.count) of the items (by a hash of each id)"
                    + (shardShare.map { "; keeps \($0.summary) (shards without a coordinator split the run's caps)" }
                        ?? ""))
        }
        lines.append("checkpoint: every \(job.checkpointEvery) items")
        lines.append("output: \(job.outputDirectory.path)/\(job.name)/<run-id>/")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `files: 300 images (JPEG), converted when over ...; 12 TIFF converted by libvips to JPEG
    /// within 2048 px; 1 multi-page TIFF, first page only (a.tif: 2 pages); 2 text; ...`.
    var imagesLine: String? {
        guard let kinds = inputKinds, let images = job.model.images else { return nil }
        var parts: [String] = []
        let sent = kinds.images.values.reduce(0, +)
        if sent > 0 {
            let types = kinds.images.keys.sorted().map { $0.dropFirst("image/".count).uppercased() }
            parts.append(
                "\(sent) image\(sent == 1 ? "" : "s") (\(types.joined(separator: ", ")))"
                    + (images.fit.map {
                        ", converted when over \($0.maximumEdge) px or \(ByteCount.text($0.maximumBytes))"
                    }
                        ?? ", sent as they are"))
        }
        if kinds.otherImageCount > 0 {
            parts.append(
                images.fit.map {
                    "\(kinds.otherImagesText) converted by libvips to \($0.format.rawValue.uppercased()) within \($0.maximumEdge) px"
                } ?? "\(kinds.otherImagesText) that endpoints do not take (images: original): they fail unsent")
        }
        if kinds.multiPage > 0 {
            let examples = kinds.multiPageExamples.map { "\($0.path): \($0.pages) pages" }.joined(separator: ", ")
            parts.append(
                "\(kinds.multiPage) multi-page TIFF\(kinds.multiPage == 1 ? "" : "s"), first page only (\(examples)\(kinds.multiPage > kinds.multiPageExamples.count ? ", ..." : ""))"
            )
        }
        if kinds.text > 0 { parts.append("\(kinds.text) text") }
        if kinds.unsendable > 0 { parts.append("\(kinds.unsendable) neither text nor an image: never sent") }
        return parts.isEmpty ? nil : "files: " + parts.joined(separator: "; ")
    }

    /// The plan for programs.
    public func json(firstItems: Int) -> JSONValue {
        var object = JSONObject()
        object["name"] = .string(job.name)
        object["items"] = .number(JSONNumber(itemCount))
        object["first_items"] = .array(self.firstItems.prefix(firstItems).map { .string($0.path ?? $0.id) })
        object["model"] = .string(modelDescription)
        object["parameters"] = .object(job.model.parameters)
        object["prompt"] = ["file": .string(job.prompt.file), "sha256": .string(job.prompt.sha256)]
        object["thresholds"] = .array(thresholdLines.map { .string($0) })
        object["concurrency"] = .number(JSONNumber(job.execution.concurrency))
        object["output"] = .string(job.outputDirectory.path + "/" + job.name)
        if let kinds = inputKinds {
            var files = JSONObject()
            for (type, count) in kinds.images { files[type] = .number(JSONNumber(count)) }
            for (format, count) in kinds.otherImages { files[format] = .number(JSONNumber(count)) }
            files["text"] = .number(JSONNumber(kinds.text))
            files["unsendable"] = .number(JSONNumber(kinds.unsendable))
            files["multi_page_tiff"] = .number(JSONNumber(kinds.multiPage))
            object["files"] = .object(files)
            object["images"] = job.model.images?.json ?? .null
        }
        if let shard {
            object["shard"] = ["index": .number(JSONNumber(shard.index)), "count": .number(JSONNumber(shard.count))]
            object["shard_share"] = shardShare?.json ?? .null
        }
        return .object(object)
    }
}
