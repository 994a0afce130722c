import Foundation
import Vigil

/// Where the CLI writes: results to standard output, messages for people to standard
/// error; both with every secret the process holds masked (see `Redaction`).
enum Console {
    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data(Redaction.masked(text).utf8))
    }

    static func error(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        FileHandle.standardError.write(Data(Redaction.masked(line).utf8))
    }
}
