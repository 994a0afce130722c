import ArgumentParser
import Vigil

/// `vigil rerun MANIFEST`: reproduce a run into a new run folder, refusing on drift.
struct RerunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rerun",
        abstract:
            "Reproduce a run from its manifest into a new run folder; refuses, with a precise diff, if anything it pinned has drifted.",
        discussion: """
            Runs the job and prompt copies in the run folder over the same inputs, after checking every pin: \
            the job file and prompt (copies and originals), the success schema, each input by sha256 (added, \
            removed, changed), the model and its parameters, and the Vigil version. The new manifest links \
            to the old one (rerun_of).

            Exit status: as `vigil run`, and 7 when pins drifted (nothing was run).
            """
    )

    @Argument(help: ArgumentHelp("The run's manifest.json (or its run folder).", valueName: "manifest"))
    var manifest: String

    @Flag(help: "Run even if pins drifted; the drift is recorded in the new manifest.")
    var allowDrift = false

    @OptionGroup var cacheFlags: CacheFlags

    @Flag(help: "No progress line, even if the job asks for one.")
    var quiet = false

    func run() async throws {
        try await Reproduction.run(
            .rerun, of: manifest, allowDrift: allowDrift, quiet: quiet, cache: cacheFlags, stops: await StopRequests())
    }
}
