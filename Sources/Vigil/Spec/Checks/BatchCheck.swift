/// `model.batch`: a batch is paid for in full before any of its answers is seen, so the
/// early threshold's items must run live first (the canary that decides whether the rest
/// is sent at all).
enum BatchCheck {
    static func run(_ context: inout JobCheckContext) {
        let job = context.job
        if job.model.batch != nil, job.coordinator != nil, let location = job.locations[.coordinatorURLVariable] {
            // A batch's reservations are held by this process from submission to collection;
            // the coordinator shares live requests' reservations only.
            context.report(
                Diagnostic(
                    .conflictingKey,
                    "a coordinator shares the reservations of live requests; it does not share those of model.batch",
                    at: location,
                    hint:
                        "remove coordinator (the shards then keep 1/N of the caps each), or remove model.batch to run live"
                )
            )
        }
        guard job.model.batch != nil, let location = job.locations[.batch], job.thresholds.early == nil else { return }
        context.report(
            Diagnostic(
                .batchWithoutCanary,
                "model.batch sends the items in a batch that is paid for before any answer is seen, and there is no thresholds.early to run live first",
                at: location,
                hint:
                    "add thresholds.early (e.g. {after: 20, min_success_rate: 0.8}): its items run live, and the batch is sent only if they pass"
            ))
    }
}
