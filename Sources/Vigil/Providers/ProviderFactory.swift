public import Foundation

/// The provider a job's `model` section names.
public enum ProviderFactory {
    /// The provider for `job`; the key is read from `environment`.
    public static func make(for job: JobSpec, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> any ModelProvider
    {
        let timeout = job.model.timeout?.duration ?? .seconds(300)
        switch job.model.provider {
        case .command(let arguments, let mode, let environment):
            let launch = CommandLaunch(
                arguments: arguments, environment: environment, folder: job.folder, timeout: timeout)
            switch mode {
            case .perItem: return CommandProvider(launch)
            case .persistent: return PersistentCommandProvider(launch)
            }
        case .openAI(let baseURL, let name, let keyVariable):
            guard let key = Secret(environmentVariable: keyVariable, in: environment) else {
                throw ProviderUnavailable(
                    message: "the environment variable \(keyVariable) (model.api_key_env) is not set")
            }
            return OpenAIProvider(
                baseURL: baseURL, model: name, keyVariable: keyVariable, key: key, parameters: job.model.parameters,
                timeout: timeout,
                responseFormat: job.responseFormat)
        }
    }
}

/// A provider that cannot be made (its key is not set).
public struct ProviderUnavailable: Error, CustomStringConvertible {
    /// What is missing (a key variable, a program), and how to provide it.
    public var message: String
    /// The message.
    public var description: String { message }
}

extension ProviderUnavailable: ExitStatusError {
    /// A job that cannot run as set up: exit 2.
    public var exitStatus: ExitStatus { .invalidJobOrUsage }
}
