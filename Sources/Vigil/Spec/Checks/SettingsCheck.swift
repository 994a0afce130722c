import JSONSchema

/// Settings that contradict each other, and thresholds that cannot do their job: functions
/// over the job's typed fields, reported where each was written.
enum SettingsCheck {
    static func run(_ context: inout JobCheckContext) {
        let job = context.job
        let execution = job.execution
        compare(
            &context, "execution.retries", execution.retries.initialDelay, .retriesInitialDelay, "initial_delay",
            execution.retries.maximumDelay, .retriesMaximumDelay, "max_delay")
        compare(
            &context, "execution.breaker", execution.breaker.coolDown, .breakerCoolDown, "cool_down",
            execution.breaker.giveUpAfter, .breakerGiveUpAfter, "give_up_after")
        if let per = execution.rateLimit?.per, let location = job.locations[.rateLimitPer], per.seconds <= 0 {
            context.report(
                Diagnostic(.incoherentSettings, "execution.rate_limit.per must be longer than 0", at: location))
        }
        if job.locations.documentIsMapping, job.locations[.early] == nil {
            context.report(
                Diagnostic(
                    .thresholdIneffective,
                    "no early threshold: a run that fails on every item is only stopped at its end",
                    at: job.locations[.thresholds] ?? job.locations.document, severity: .warning,
                    hint: "add thresholds.early, e.g. {after: 5, min_success_rate: 0.5}"))
        }
        guard let count = context.itemCount else { return }
        let checks: [(String, String, ThresholdSpec.Check?, JobLocations.Field)] = [
            ("early", "after", job.thresholds.early, .earlyCount),
            ("progressive", "every", job.thresholds.progressive, .progressiveCount),
            ("window", "size", job.thresholds.window, .windowCount),
        ]
        for (name, key, check, field) in checks {
            guard let wanted = check?.count, wanted > count, let location = job.locations[field] else { continue }
            context.report(
                Diagnostic(
                    .thresholdIneffective,
                    "thresholds.\(name).\(key) is \(wanted) but the inputs hold only \(count) items: this check never runs",
                    at: location, severity: .warning))
        }
    }

    /// `smaller` must not be longer than `larger` when both were written.
    private static func compare(
        _ context: inout JobCheckContext, _ group: String, _ smaller: JobDuration, _ smallerField: JobLocations.Field,
        _ smallerName: String,
        _ larger: JobDuration, _ largerField: JobLocations.Field, _ largerName: String
    ) {
        guard let location = context.job.locations[smallerField], context.job.locations[largerField] != nil,
            smaller.seconds > larger.seconds
        else { return }
        context.report(
            Diagnostic(
                .incoherentSettings, "\(group).\(smallerName) (\(smaller)) is longer than \(largerName) (\(larger))",
                at: location))
    }
}
