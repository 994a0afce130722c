import Foundation
import JSONSchema

/// Finds the run folder a command names: a run folder (or a file in it, like its
/// manifest), or a job file, whose newest run is meant.
package enum RunLocator {
    /// What the argument could not be read as.
    package struct NotARun: Error, CustomStringConvertible {
        /// What is wrong and what to give instead.
        package var description: String
    }

    /// The run folder `path` names.
    package static func folder(_ path: String) throws(NotARun) -> RunFolder {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw NotARun(description: "\(path) does not exist; give a run folder (runs/<name>/<run-id>) or a job file")
        }
        if !isDirectory.boolValue {
            // A file in a run folder (its manifest, its job copy) names that run; any other
            // file is a job, whose newest run is meant.
            guard isRunFolder(url.deletingLastPathComponent()) else { return try newestRun(ofJob: url, as: path) }
            url = url.deletingLastPathComponent()
        }
        guard isRunFolder(url) else {
            if let shard = ShardMerge.shardFolders(of: url).first {
                throw NotARun(
                    description:
                        "\(path) is a sharded run that is not merged yet: give one shard (\(shard.path)), or merge them first (vigil merge \(path))"
                )
            }
            throw NotARun(
                description:
                    "\(path) is not a run folder (it has no events.jsonl or manifest.json); give runs/<name>/<run-id> or a job file"
            )
        }
        return RunFolder(url: url, runID: url.lastPathComponent)
    }

    static func isRunFolder(_ url: URL) -> Bool {
        let manager = FileManager.default
        return manager.fileExists(atPath: url.appendingPathComponent("events.jsonl").path)
            || manager.fileExists(atPath: url.appendingPathComponent("manifest.json").path)
    }

    /// The newest run of the job at `url` (run ids sort by start time).
    static func newestRun(ofJob url: URL, as path: String) throws(NotARun) -> RunFolder {
        // Only its name and output folder are needed: the YAML, not a validation that
        // would list every input.
        let document = try? YAMLLoader(maximumFileSize: 1 << 20).load(contentsOf: url.path).json
        guard let name = document?["name"]?.stringValue else {
            throw NotARun(
                description: "\(path) is not a job file Vigil can read (no name); give a run folder or a job file")
        }
        let output =
            (document?["output"]?["dir"]?.stringValue).map {
                PathResolver(folder: url.deletingLastPathComponent()).url($0)
            }
            ?? url.deletingLastPathComponent().appendingPathComponent(JobSpec.Defaults.outputDirectory)
        let runs = output.appendingPathComponent(name)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []
        guard let newest = names.filter({ !$0.hasPrefix(".") && isRunFolder(runs.appendingPathComponent($0)) }).max()
        else {
            throw NotARun(
                description: "the job \(name) has no run under \(runs.path) yet; start one with vigil run \(path)")
        }
        return RunFolder(url: runs.appendingPathComponent(newest), runID: newest)
    }
}

extension RunReplay {
    /// Replays the whole log of `folder` as it is now.
    package init(folder: RunFolder) throws {
        self.init()
        var tail = EventLogTail(url: folder.events)
        for event in try tail.read() { apply(event) }
    }
}
