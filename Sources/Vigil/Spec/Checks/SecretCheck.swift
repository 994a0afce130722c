import Foundation

/// A job file is kept in git: a secret written into it is leaked. Any string under a key
/// named like a secret, and any value shaped like a known kind of key, is an error that
/// points to the `*_env` way. The diagnostic never repeats the value, nor prints its line.
enum SecretCheck {
    static let secretKeyWords = [
        "api_key", "apikey", "api-key", "token", "secret", "password", "passwd", "authorization", "bearer",
        "private_key", "webhook_url",
    ]

    /// Shapes of well-known credentials (OpenAI/OpenRouter keys, GitHub and Slack tokens,
    /// AWS access keys, Google API keys, bearer headers, Slack webhook URLs).
    static let secretShapes: [NSRegularExpression] = [
        #"^sk-[A-Za-z0-9_-]{16,}$"#, #"^gh[pousr]_[A-Za-z0-9]{20,}$"#, #"^xox[abprs]-[A-Za-z0-9-]{10,}$"#,
        #"^AKIA[0-9A-Z]{16}$"#, #"^AIza[0-9A-Za-z_-]{30,}$"#, #"^[Bb]earer\s+\S{10,}$"#,
        #"hooks\.slack\.com/services/"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    /// Scans the whole document: a secret can be written under any key, known or not, so
    /// this one check reads the located tree rather than the typed job.
    static func run(_ tree: LocatedValue, _ context: inout JobCheckContext) {
        visit(tree, path: "", into: &context.diagnostics)
    }

    private static func looksLikeSecret(_ text: String) -> Bool {
        let range = NSRange(location: 0, length: text.utf16.count)
        return secretShapes.contains { $0.firstMatch(in: text, range: range) != nil }
    }

    private static func visit(_ value: LocatedValue, path: String, into diagnostics: inout [Diagnostic]) {
        switch value.content {
        case .mapping(let members):
            for member in members {
                let memberPath = path.isEmpty ? member.key : "\(path).\(member.key)"
                let key = member.key.lowercased()
                if !key.hasSuffix("_env"), secretKeyWords.contains(where: key.contains),
                    let text = member.value.stringValue, !text.isEmpty
                {
                    diagnostics.append(
                        secret(at: member.value.location, "\(memberPath) holds a secret value", suggesting: member.key))
                } else {
                    visit(member.value, path: memberPath, into: &diagnostics)
                }
            }
        case .sequence(let elements):
            for (index, element) in elements.enumerated() {
                visit(element, path: "\(path)[\(index)]", into: &diagnostics)
            }
        case .string(let text) where looksLikeSecret(text):
            diagnostics.append(
                secret(
                    at: value.location, "\(path) looks like a secret (an API key, token or webhook URL)",
                    suggesting: nil))
        default:
            break
        }
    }

    private static func secret(at location: SourceLocation, _ message: String, suggesting key: String?) -> Diagnostic {
        var diagnostic = Diagnostic(
            .secretInJob, message + "; a job file names environment variables, never their values", at: location,
            hint:
                "remove the value from the file (and from git history if it was committed), then use `api_key_env: NAME` for the model or `url_env: NAME` for a webhook, and export NAME in the shell that runs vigil"
        )
        diagnostic.hidesSourceLine = true
        return diagnostic
    }
}
