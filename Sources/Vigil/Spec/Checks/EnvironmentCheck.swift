/// The environment variables a job names are set: a warning for `vigil validate` (you may
/// validate on a machine without the key), an error when the job is about to run.
enum EnvironmentCheck {
    static func run(_ context: inout JobCheckContext) {
        let job = context.job
        var named: [(name: String, role: String, location: SourceLocation)] = []
        if case .openAI(_, _, let keyVariable) = job.model.provider, let location = job.locations[.apiKeyVariable],
            !keyVariable.isEmpty
        {
            named.append((keyVariable, "model.api_key_env", location))
        }
        if let coordinator = job.coordinator, let location = job.locations[.coordinatorURLVariable] {
            named.append((coordinator.urlEnvironment, "coordinator.url_env", location))
        }
        for (index, consumer) in job.consumers.enumerated() {
            if let name = consumer.urlEnvironment, let location = job.locations.consumerURLVariables[index] {
                named.append((name, "consumers[\(index)].url_env", location))
            }
        }
        for (name, role, location) in named where (context.environment[name] ?? "").isEmpty {
            context.report(
                Diagnostic(
                    .environmentUnset, "the environment variable \(name) (\(role)) is not set", at: location,
                    severity: context.purpose == .run ? .error : .warning,
                    hint: "export \(name)=... in the shell that runs vigil"))
        }
    }
}
