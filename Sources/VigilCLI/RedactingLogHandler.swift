import Logging
import Vigil

/// Standard error's log handler with every secret masked in the message and metadata
/// (see `Redaction`): a log line is one more place a secret could leave the process.
struct RedactingLogHandler: LogHandler {
    var wrapped: any LogHandler

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: Redaction.masked(event.message.description))
        event.metadata = event.metadata?.mapValues { Logger.MetadataValue.string(Redaction.masked($0.description)) }
        wrapped.log(event: event)
    }
}
