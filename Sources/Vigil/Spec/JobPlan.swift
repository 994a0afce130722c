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

    /// A plan of `job` over `itemCount` items, showing `firstItems` as the run would take them
    /// (of the whole run: a shard's items are known once its run lists them).
    public init(job: JobSpec, itemCount: Int, firstItems: [InputItem], shard: Shard? = nil) {
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
        if let shard {
            object["shard"] = ["index": .number(JSONNumber(shard.index)), "count": .number(JSONNumber(shard.count))]
            object["shard_share"] = shardShare?.json ?? .null
        }
        return .object(object)
    }
}
