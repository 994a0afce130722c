import Foundation

/// Finds a program named without a slash the way `execvp` does: the first executable file
/// of that name in the folders of PATH, in order. A relative PATH entry (or an empty one,
/// the current folder) is taken from `workingFolder`, where the program will run.
enum ProgramSearch {
    static func find(_ name: String, path: String?, workingFolder: URL) -> String? {
        let entries = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false)
        for entry in entries {
            let folder =
                entry.hasPrefix("/")
                ? String(entry)
                : workingFolder.appendingPathComponent(entry.isEmpty ? "." : String(entry)).standardizedFileURL.path
            let candidate = folder + "/" + name
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isFolder), !isFolder.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
        }
        return nil
    }
}
