public import Foundation

/// The provider a job's `model` section names.
public enum ProviderFactory {
    public static func make(for job: JobSpec, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any ModelProvider {
        let timeout = job.model.timeout?.duration ?? .seconds(300)
        switch job.model.provider {
        case .command(let arguments, let mode, let environment):
            let launch = CommandLaunch(arguments: arguments, environment: environment, folder: job.folder, timeout: timeout)
            switch mode {
            case .perItem: return CommandProvider(launch)
            case .persistent: return PersistentCommandProvider(launch)
            }
        case .openAI(let baseURL, let name, let keyVariable):
            guard let key = Secret(environmentVariable: keyVariable, in: environment) else {
                throw ProviderUnavailable(message: "the environment variable \(keyVariable) (model.api_key_env) is not set")
            }
            return OpenAIProvider(baseURL: baseURL, model: name, keyVariable: keyVariable, key: key, parameters: job.model.parameters, timeout: timeout)
        }
    }
}

public struct ProviderUnavailable: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension ProviderUnavailable: ExitStatusError {
    public var exitStatus: ExitStatus { .invalidJobOrUsage }
}
