import Foundation

/// Which files are job files, for commands given folders (`vigil validate jobs/`, `vigil pin
/// --check .`) and for the pre-commit hook, which is given every changed YAML file.
///
/// A job file is a `.yaml` or `.yml` file that says so: its leading comments name the job
/// schema (`# yaml-language-server: $schema=../schemas/job.v1.schema.json`, the line every job
/// in jobs/ starts with, which also gives editors completion), or its name ends in
/// `.job.yaml` / `.job.yml`. Guessing from content (`version:` and `model:`) would take other
/// tools' YAML for jobs. Under a folder, hidden folders (`.git`, `.build`) and run folders
/// (they hold `manifest.json`; the `job.yaml` in them is Vigil's copy of a job it ran) are not
/// entered, and symbolic links to folders are not followed.
package enum JobFileFinder {
    /// The schema's file name, as a job's leading comment names it.
    package static let schemaName = "job.v1.schema.json"

    /// Whether the file at `path` is a job file by the rule above (reads at most 8 KiB).
    package static func isJobFile(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        guard name.hasSuffix(".yaml") || name.hasSuffix(".yml") else { return false }
        if name.hasSuffix(".job.yaml") || name.hasSuffix(".job.yml") { return true }
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 8192)) ?? Data(), as: UTF8.self)
        for line in head.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed == "\r" { continue }
            guard trimmed.hasPrefix("#") else { return false }
            if trimmed.contains("$schema=") && trimmed.contains(schemaName) { return true }
        }
        return false
    }

    /// The job files under `folder`, sorted, as paths that start with `folder` as written.
    package static func jobFiles(under folder: String) -> [String] {
        var found: [String] = []
        var pending = [folder]
        let manager = FileManager.default
        while let current = pending.popLast() {
            guard let names = try? manager.contentsOfDirectory(atPath: current) else { continue }
            if names.contains("manifest.json") && current != folder { continue }
            for name in names where !name.hasPrefix(".") {
                let path = current == "." ? name : (current as NSString).appendingPathComponent(name)
                guard let type = try? manager.attributesOfItem(atPath: path)[.type] as? FileAttributeType else {
                    continue
                }
                switch type {
                case .typeDirectory: pending.append(path)
                case .typeRegular where isJobFile(path), .typeSymbolicLink where isJobFile(path): found.append(path)
                default: break
                }
            }
        }
        return found.sorted()
    }

    /// What the command-line arguments name: files as given; folders replaced by the job
    /// files under them. `empty` lists folders that hold none (a mistake worth saying).
    package static func expand(_ arguments: [String]) -> (files: [String], empty: [String]) {
        var files: [String] = []
        var empty: [String] = []
        for argument in arguments {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder), isFolder.boolValue {
                let under = jobFiles(under: argument)
                if under.isEmpty { empty.append(argument) }
                files += under
            } else {
                files.append(argument)
            }
        }
        return (files, empty)
    }
}
