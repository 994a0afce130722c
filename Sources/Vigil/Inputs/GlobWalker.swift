import Foundation

/// Walks the files a glob matches, lazily, folder by folder in sorted order: memory holds
/// one listing per folder level, never the whole tree (and one device-and-inode pair per
/// folder walked).
///
/// Symbolic links to folders are followed, and every folder is walked once, known by its
/// device and inode: a link back up the tree (`data/a/loop -> ..`) or to a folder already
/// walked adds nothing, instead of walking forever (a `**` glob over such a loop made
/// `vigil validate` spin until killed).
struct GlobWalker {
    private struct Frame {
        var folder: URL
        /// Path of `folder` relative to the job folder, with a trailing "/" (or "").
        var prefix: String
        var names: [String]
        var next = 0
    }

    let pattern: GlobPattern
    let exclusions: [GlobPattern]
    private var stack: [Frame] = []
    /// The folders walked so far.
    private var walked: Set<FolderIdentity> = []

    /// A folder as the file system knows it, whatever path reached it.
    private struct FolderIdentity: Hashable {
        var device: UInt64
        var inode: UInt64

        /// The folder `url` names, through any links; nil when it cannot be read.
        init?(_ url: URL) {
            guard let identity = FileStamp.identity(of: url.path) else { return nil }
            (device, inode) = identity
        }
    }

    /// Starts at the pattern's literal folder; throws when that folder does not exist.
    /// A relative pattern starts in `folder` (the job's) and yields paths relative to it;
    /// an absolute one starts at `/` and yields absolute paths.
    init(folder: URL, pattern: GlobPattern, exclusions: [GlobPattern]) throws(InputProblem) {
        self.pattern = pattern
        self.exclusions = exclusions
        let prefix = pattern.literalPrefix
        let base = pattern.isAbsolute ? URL(fileURLWithPath: "/") : folder
        let root = prefix.reduce(base) { $0.appendingPathComponent($1) }
        let written = (pattern.isAbsolute ? "/" : "") + prefix.joined(separator: "/")
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw InputProblem(
                message:
                    "the folder \(written.isEmpty ? "." : written) does not exist (the glob \"\(pattern.text)\" starts there)",
                line: nil, isEmpty: false)
        }
        stack = [
            Frame(
                folder: root, prefix: written.isEmpty || written == "/" ? written : written + "/",
                names: Self.listing(root))
        ]
        if let identity = FolderIdentity(root) { walked.insert(identity) }
    }

    static func listing(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted {
            $0.utf8.lexicographicallyPrecedes($1.utf8)
        }
    }

    /// The next matching file, relative to the job folder.
    mutating func next() -> String? {
        while var frame = stack.popLast() {
            guard frame.next < frame.names.count else { continue }
            let name = frame.names[frame.next]
            frame.next += 1
            stack.append(frame)
            let url = frame.folder.appendingPathComponent(name)
            let relative = frame.prefix + name
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { continue }
            if isFolder.boolValue {
                // Only folders the pattern can reach into; one already walked (reached again
                // through a link) is not walked twice.
                guard pattern.mayMatch(under: relative), let identity = FolderIdentity(url),
                    walked.insert(identity).inserted
                else { continue }
                stack.append(Frame(folder: url, prefix: relative + "/", names: Self.listing(url)))
            } else if pattern.matches(relative), !exclusions.contains(where: { $0.matches(relative) }) {
                return relative
            }
        }
        return nil
    }
}
