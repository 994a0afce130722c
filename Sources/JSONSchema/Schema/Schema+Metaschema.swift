extension Schema {
    /// The draft 2020-12 meta-schema, compiled once: validates schemas themselves.
    public static let metaschema: Schema = try! Schema(
        SchemaRegistry.metaschemas[Vocabularies.metaschemaURI]!, baseURI: Vocabularies.metaschemaURI)
}
