// The contract documents in docs/: a JSON Schema per payload, generated from the code
// (`doudi contract --write docs`) and checked by a test. The AsyncAPI document of every topic is
// emitted with a YAML library in Shared/Contracts (this module imports nothing).

public enum ContractDocuments {
    /// Relative path → file content (the JSON Schemas).
    public static func files() -> [(path: String, content: String)] {
        var out: [(String, String)] = []
        for entry in PayloadCatalogue.entries {
            let schema = JSONSchema.schema(title: entry.ceType, id: dataSchema(entry.type), for: entry.sample)
            out.append(("schemas/\(entry.ceType).schema.json", JSONSchema.render(schema) + "\n"))
        }
        out.append(("kafka-acls.txt", KafkaAccess.render()))
        return out
    }

    static func topics(of entry: PayloadEntry) -> [String] { entry.topics }

    /// The `$id` of a type's JSON Schema, which every event of the type names in `ce_dataschema`.
    public static func dataSchema(_ type: EventType) -> String { "https://doudi.example/schemas/\(type.rawValue).schema.json" }

    /// `monitoring.warning.v1` → `monitoring_warning_v1`.
    static func identifier(_ s: String) -> String { String(s.map { $0 == "." || $0 == "-" ? "_" : $0 }) }
}
