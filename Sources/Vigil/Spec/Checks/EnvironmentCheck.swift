/// The environment variables a job names are set: a warning for `vigil validate` (you may
/// validate on a machine without the key), an error when the job is about to run.
enum EnvironmentCheck {
    static func run(_ context: inout JobCheckContext) {
        var named: [(name: String, role: String, location: SourceLocation)] = []
        if let (name, location) = context.string("model", "api_key_env"), context.string("model", "provider")?.text == "openai" {
            named.append((name, "model.api_key_env", location))
        }
        for (index, consumer) in (context.value("consumers")?.elements ?? []).enumerated() {
            if let variable = consumer.member("url_env"), let name = variable.value.stringValue {
                named.append((name, "consumers[\(index)].url_env", variable.value.location))
            }
        }
        for (name, role, location) in named where (context.environment[name] ?? "").isEmpty {
            context.report(
                Diagnostic(
                    .environmentUnset, "the environment variable \(name) (\(role)) is not set", at: location,
                    severity: context.purpose == .run ? .error : .warning, hint: "export \(name)=... in the shell that runs vigil"))
        }
    }
}
