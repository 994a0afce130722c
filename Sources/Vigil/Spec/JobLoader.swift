public import Foundation
import JSONSchema

/// Loads and checks a job file in one pipeline, collecting every problem before
/// reporting: YAML (a syntax error stops here) -> the job schema -> semantic checks
/// (prompt pin, inputs, success schema, secrets, environment, settings, program).
public struct JobLoader: Sendable {
    /// Why the job is loaded: what is a warning and what an error.
    public enum Purpose: Sendable {
        /// `vigil validate`: an unset API-key variable is a warning.
        case validate
        /// `vigil run`: everything must be ready.
        case run
    }

    /// Validation or a run.
    public var purpose: Purpose
    /// Where API-key and webhook variables are looked up.
    public var environment: [String: String]

    /// A loader for `purpose` (validate: an unset key variable is a warning; run: an error),
    /// reading variables from `environment`.
    public init(purpose: Purpose = .validate, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.purpose = purpose
        self.environment = environment
    }

    /// Validates the job at `path`; diagnostics name the file as `displayName` (default: `path`).
    /// - Parameters:
    ///   - folder: where the job's relative paths start (default: the file's folder); a run
    ///     folder's copy of a job passes the original job's folder.
    ///   - promptFile: read and check this prompt file instead of `prompt.file` (a run
    ///     folder's copy of the prompt).
    public func load(_ path: String, displayName: String? = nil, folder: URL? = nil, promptFile: URL? = nil)
        -> JobValidation
    {
        let tree: LocatedValue
        let bytes: [UInt8]
        do {
            // Read once: these bytes are checked, copied into the run folder and hashed.
            let loader = YAMLLoader(maximumFileSize: 1 << 20)
            bytes = try loader.read(path, displayName: displayName ?? path)
            tree = try loader.load(bytes: bytes, file: displayName ?? path)
        } catch {
            return JobValidation(
                job: nil, diagnostics: [error], itemCount: nil, firstItems: [], inputKinds: nil, source: nil)
        }
        let file = URL(fileURLWithPath: path).standardizedFileURL
        let folder = folder ?? file.deletingLastPathComponent()
        // Decoded once; the checks are functions over its typed fields (and where each was
        // written). The bytes checked are filled in below, once the checks have read them.
        var job = JobSpec(
            decoding: tree, file: file, folder: folder, promptFile: promptFile,
            sources: JobSources(job: bytes, prompt: [], successSchema: nil))
        var context = JobCheckContext(job: job, environment: environment, purpose: purpose)
        context.diagnostics = JobSchemaDiagnostics.diagnostics(for: JobSchema.compiled.validate(job.document), in: tree)
        SecretCheck.run(tree, &context)
        // A key flagged as a secret is also an unknown key; the secret is what matters.
        let secretLocations = Set(context.diagnostics.filter { $0.code == .secretInJob }.map(\.location.line))
        context.diagnostics.removeAll { $0.code == .unknownKey && secretLocations.contains($0.location.line) }
        PromptCheck.run(&context)
        ReferenceCheck.read(&context)
        InputsCheck.run(&context)
        SuccessSchemaCheck.run(&context)
        ReferenceCheck.run(&context)
        EnvironmentCheck.run(&context)
        ProgramCheck.run(&context)
        ImagesCheck.run(&context)
        SettingsCheck.run(&context)
        BudgetCheck.run(&context)
        StructuredOutputCheck.run(&context)
        BatchCheck.run(&context)

        let diagnostics = context.diagnostics.sorted { $0.location < $1.location }
        let valid = !diagnostics.contains { $0.severity == .error }
        job.sources = JobSources(
            job: bytes, prompt: context.promptBytes ?? [], successSchema: context.successSchema,
            reference: context.reference)
        return JobValidation(
            job: valid ? job : nil,
            diagnostics: diagnostics, itemCount: context.itemCount,
            firstItems: context.firstItems, inputKinds: context.inputKinds, source: tree)
    }
}

/// The outcome of loading a job: the spec when it is valid, and everything found.
public struct JobValidation: Sendable {
    /// The job, when no diagnostic is an error.
    public var job: JobSpec?
    /// Everything found, sorted by location.
    public var diagnostics: [Diagnostic]
    /// How many items the inputs resolve to (nil when an input failed or was not checked).
    public var itemCount: Int?
    /// The first items (up to 20), in run order.
    public var firstItems: [InputItem]
    /// What the input files are by their first bytes (nil: the model reads no file's bytes).
    public var inputKinds: InputKinds?
    /// The located document (nil when the file is not YAML).
    public var source: LocatedValue?

    /// The errors among them.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    /// No error: the job can run.
    public var isValid: Bool { job != nil }
}

extension JobValidation {
    /// Also checks that the job can run as `shards` shards without a coordinator (`vigil
    /// validate --shards N`): each keeps 1/N of the budget, which must pay for one request.
    /// A problem is an error at the budget, and the job is then not valid.
    public mutating func checkShares(among shards: Int) {
        guard let job, job.coordinator == nil, let budget = job.budget,
            let problem = BudgetCheck.shardProblem(budget, model: job.model, shards: shards),
            let location = job.locations[problem.field ?? .budget] ?? job.locations[.budget]
        else { return }
        diagnostics.append(Diagnostic(.budgetUnenforceable, problem.message, at: location, hint: problem.hint))
        diagnostics.sort { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        self.job = nil
    }
}
