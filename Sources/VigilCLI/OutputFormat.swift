import ArgumentParser
import Vigil

/// `--format` for commands that print diagnostics.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    case github

    var renderer: DiagnosticRenderer {
        DiagnosticRenderer(format: DiagnosticRenderer.Format(rawValue: rawValue)!)
    }
}
