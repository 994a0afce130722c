/// The provider a job's `model` section names.
public enum ProviderFactory {
    public static func make(for job: JobSpec) throws -> any ModelProvider {
        let timeout = job.model.timeout?.duration ?? .seconds(300)
        switch job.model.provider {
        case .command(let arguments, let mode, let environment):
            let launch = CommandLaunch(arguments: arguments, environment: environment, folder: job.folder, timeout: timeout)
            switch mode {
            case .perItem: return CommandProvider(launch)
            case .persistent: return PersistentCommandProvider(launch)
            }
        case .openAI:
            throw ProviderUnavailable(message: "provider: openai is not available yet (issue [4/6]); use provider: command")
        }
    }
}

public struct ProviderUnavailable: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
