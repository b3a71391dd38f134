// Every contract document under docs/: the JSON Schemas (DoudiDomain/Contract) and the AsyncAPI
// document (emitted with Yams), as `doudi contract --write docs` writes them.
import DoudiDomain

public enum ContractFiles {
    /// Relative path → content.
    public static func all() throws -> [(path: String, content: String)] {
        ContractDocuments.files() + [("asyncapi.yaml", try AsyncAPIDocument.yaml())]
    }
}
