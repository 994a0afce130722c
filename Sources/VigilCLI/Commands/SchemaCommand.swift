import ArgumentParser

/// `vigil schema ...`: JSON Schema tools.
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "JSON Schema tools.",
        subcommands: [SchemaValidateCommand.self]
    )
}
