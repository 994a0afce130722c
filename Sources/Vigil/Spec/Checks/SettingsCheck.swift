import JSONSchema

/// Settings that contradict each other, and thresholds that cannot do their job.
enum SettingsCheck {
    static func run(_ context: inout JobCheckContext) {
        compare(&context, "execution", "retries", smaller: "initial_delay", larger: "max_delay")
        compare(&context, "execution", "breaker", smaller: "cool_down", larger: "give_up_after")
        if let per = context.value("execution", "rate_limit", "per"), let duration = per.stringValue.flatMap(JobDuration.init), duration.seconds <= 0 {
            context.report(Diagnostic(.incoherentSettings, "execution.rate_limit.per must be longer than 0", at: per.location))
        }

        let thresholds = context.value("thresholds")
        if case .mapping = context.tree.content, thresholds?.member("early") == nil {
            context.report(
                Diagnostic(
                    .thresholdIneffective, "no early threshold: a run that fails on every item is only stopped at its end",
                    at: thresholds?.location ?? context.tree.location, severity: .warning,
                    hint: "add thresholds.early, e.g. {after: 5, min_success_rate: 0.5}"))
        }
        guard let count = context.itemCount else { return }
        for (name, key) in [("early", "after"), ("progressive", "every"), ("window", "size")] {
            guard let value = context.value("thresholds", name, key), case .number(let number) = value.content,
                let wanted = number.int64Value, wanted > count
            else { continue }
            context.report(
                Diagnostic(
                    .thresholdIneffective, "thresholds.\(name).\(key) is \(wanted) but the inputs hold only \(count) items: this check never runs",
                    at: value.location, severity: .warning))
        }
    }

    private static func compare(_ context: inout JobCheckContext, _ section: String, _ group: String, smaller: String, larger: String) {
        guard let low = context.value(section, group, smaller), let high = context.value(section, group, larger),
            let lowDuration = low.stringValue.flatMap(JobDuration.init), let highDuration = high.stringValue.flatMap(JobDuration.init),
            lowDuration.seconds > highDuration.seconds
        else { return }
        context.report(
            Diagnostic(
                .incoherentSettings, "\(section).\(group).\(smaller) (\(lowDuration)) is longer than \(larger) (\(highDuration))",
                at: low.location))
    }
}
