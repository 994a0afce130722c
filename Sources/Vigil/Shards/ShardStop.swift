public import Foundation
import JSONSchema

/// The stop marker of a sharded run: `<name>/<run-id>/stop.json`, beside the shards'
/// folders. The shard whose threshold (or a refused key) aborts writes it with its verdict;
/// every shard looks for it before each new item and ends as aborted, naming the shard
/// that decided. So a wrong prompt is stopped across a whole array after each task's first
/// few items.
public struct ShardStop: Sendable {
    /// `stop.json` in the run's folder, shared by its shards.
    public let url: URL

    /// The marker of the run whose shard folder is `folder`.
    public init(shardFolder folder: URL) {
        url = folder.deletingLastPathComponent().appendingPathComponent("stop.json")
    }

    /// What a marker says.
    public struct Marker: Sendable, Equatable {
        /// The shard that aborted (`2/4`).
        public var shard: String
        /// The aborting shard's verdict, which every other shard ends with.
        public var reason: String
    }

    /// The marker, once one was written (a stat when there is none: cheap before each item).
    public func read() -> Marker? {
        guard FileManager.default.fileExists(atPath: url.path), let data = try? Data(contentsOf: url),
            let json = try? JSONParser().parse(String(decoding: data, as: UTF8.self))
        else { return nil }
        return Marker(shard: json["shard"]?.stringValue ?? "?", reason: json["reason"]?.stringValue ?? "aborted")
    }

    /// Writes the marker, unless a shard wrote one already (the first verdict stands).
    public func write(shard: Shard, reason: String) {
        guard !FileManager.default.fileExists(atPath: url.path) else { return }
        var object = JSONObject()
        object["shard"] = .string(shard.description)
        object["reason"] = .string(reason)
        object["at"] = .string(Timestamp.iso8601(Timestamp.now()))
        try? AtomicFile.write(Data(JSONValue.object(object).jsonText().utf8), to: url)
    }
}
