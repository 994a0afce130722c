import ArgumentParser
import Logging
import Vigil

/// `--cache` and `--no-cache`, shared by the commands that start or continue a run.
struct CacheFlags: ParsableArguments {
    @Flag(
        help:
            "Use the response cache: the job's cache, or ~/.cache/vigil/responses.sqlite (read-write) when it names none."
    )
    var cache = false

    @Flag(name: .customLong("no-cache"), help: "Use no response cache, whatever the job says.")
    var noCache = false

    func validate() throws {
        if cache && noCache { throw ValidationError("--cache and --no-cache contradict each other; give one") }
    }

    /// What the run uses.
    func choice(for job: JobSpec) -> CacheChoice {
        if noCache { return .off }
        if cache { return .on(job.cache ?? CacheSpec()) }
        return .asTheJobSays
    }

    /// The engine's options for `job`, with this choice.
    func options(for job: JobSpec, logger: Logger) -> RunOptions {
        var options = RunOptions(logger: logger)
        options.cache = choice(for: job)
        return options
    }
}
