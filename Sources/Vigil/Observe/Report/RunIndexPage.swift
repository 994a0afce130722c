package import Foundation
import JSONSchema

/// `vigil serve`'s first page: the runs under a folder (`runs/<job>/<run-id>`), newest
/// first, with their state: running (a process holds the run), how it ended, or crashed.
package enum RunIndexPage {
    /// One run folder found.
    package struct Entry: Sendable, Equatable {
        /// `<job>/<run-id>`, the path under the served folder.
        package var path: String
        /// The run folder.
        package var folder: URL
    }

    /// The run folders under `root`: `root/<job>/<run-id>`, or `root/<run-id>` when `root`
    /// is one job's folder of runs; newest first.
    package static func runs(under root: URL) -> [Entry] {
        let manager = FileManager.default
        func children(_ url: URL) -> [String] {
            ((try? manager.contentsOfDirectory(atPath: url.path)) ?? []).filter { !$0.hasPrefix(".") }
        }
        var entries: [Entry] = []
        for name in children(root) {
            let first = root.appendingPathComponent(name)
            if RunLocator.isRunFolder(first) {
                entries.append(Entry(path: name, folder: first))
                continue
            }
            for run in children(first) {
                let folder = first.appendingPathComponent(run)
                if RunLocator.isRunFolder(folder) {
                    entries.append(Entry(path: name + "/" + run, folder: folder))
                } else {
                    // A sharded run not merged yet: each shard is a run of its own here.
                    for shard in ShardMerge.shardFolders(of: folder) where RunLocator.isRunFolder(shard) {
                        entries.append(Entry(path: name + "/" + run + "/" + shard.lastPathComponent, folder: shard))
                    }
                }
            }
        }
        return entries.sorted { ($0.folder.lastPathComponent, $0.path) > ($1.folder.lastPathComponent, $1.path) }
    }

    /// The page.
    package static func html(root: URL) -> String {
        let rows = runs(under: root).map { entry -> String in
            guard let recorded = try? RecordedRun(at: entry.folder.path) else {
                return "<tr><td><code>\(escape(entry.path))</code></td><td colspan=\"4\">no readable manifest</td></tr>"
            }
            let manifest = recorded.manifest
            var state = manifest.status.rawValue
            if let holder = RunLock.holder(of: entry.folder) {
                state = "running (process \(holder))"
            } else if manifest.status == .running {
                state = "crashed (vigil resume continues it)"
            }
            let counts = manifest.counts
            let name = manifest.spec["name"]?.stringValue ?? entry.path
            return
                "<tr class=\"\(manifest.status.rawValue)\"><td><a href=\"runs/\(escape(entry.path))/\">\(escape(manifest.runID))</a></td><td>\(escape(name))</td>"
                + "<td>\(escape(state))</td><td>\(counts.completed)/\(counts.total) (\(counts.succeeded) ok, \(counts.failed) failed)</td><td>\(escape(Timestamp.iso8601(manifest.startedAt)))</td></tr>"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>Vigil runs: \(escape(root.path))</title><link rel="icon" href="data:,">
            <style>\(RunReportPage.style) tr.running td:nth-child(3){color:#c25e00}tr.aborted td:nth-child(3),tr.failed td:nth-child(3){color:#b3261e}</style></head>
            <body><main><h1>Vigil runs under <code>\(escape(root.path))</code></h1>
            \(rows.isEmpty ? "<p>No run here yet: start one with <code>vigil run JOB</code>.</p>" : "<table class=\"list\" id=\"runs\"><tr><th>run</th><th>job</th><th>state</th><th>items</th><th>started</th></tr>\(rows.joined())</table>")
            </main></body></html>

            """
    }

    /// A run's page on the dashboard: its report, with a line saying it is live and the
    /// script that keeps it so (`liveScript`).
    package static func livePage(of folder: URL) throws -> String {
        var page = try RunReportPage(
            run: RunReportPage.Run(RecordedRun(at: folder.path)), location: folder.appendingPathComponent("report.html")
        )
        page.headExtra = liveScript
        page.bodyPrefix = "<p id=\"live\" class=\"muted\">live</p>"
        return page.html()
    }

    /// One Server-Sent Event's data for a run's page: its last event number, items ended,
    /// items in all, and its status (`crashed` when no process holds it and it has no end).
    package static func liveUpdate(_ replay: RunReplay, running: Bool) -> String {
        let status = replay.ending?.status.rawValue ?? (running ? RunStatus.running.rawValue : "crashed")
        let update: JSONValue = [
            "seq": .number(JSONNumber(replay.sequence)), "completed": .number(JSONNumber(replay.completed)),
            "total": .number(JSONNumber(replay.total)), "status": .string(status),
        ]
        return update.jsonText()
    }

    /// What the dashboard adds to a run's report page: a line saying it is live, and a
    /// script that follows the run's Server-Sent Events (`events`): the count at once, the
    /// whole page at most once a second.
    package static let liveScript = """
        <script>
        (() => {
          const source = new EventSource('events');
          let waiting = false, last = 0;
          async function refresh() {
            waiting = false; last = Date.now();
            const response = await fetch('report', {cache: 'no-store'});
            const page = new DOMParser().parseFromString(await response.text(), 'text/html');
            const fresh = page.querySelector('main');
            if (fresh) document.querySelector('main').replaceWith(fresh);
          }
          function soon() { if (!waiting) { waiting = true; setTimeout(refresh, Math.max(0, 1000 - (Date.now() - last))); } }
          source.onmessage = (message) => {
            const data = JSON.parse(message.data);
            const count = document.getElementById('count');
            if (count) count.textContent = data.completed;
            document.getElementById('live').textContent = 'live: ' + data.completed + ' of ' + data.total + ' items ended, event ' + data.seq;
            soon();
          };
          source.addEventListener('end', (message) => {
            source.close();
            document.getElementById('live').textContent = 'the run has ended: ' + JSON.parse(message.data).status;
            refresh();
          });
        })();
        </script>
        """
}
