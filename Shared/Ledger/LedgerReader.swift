// Reads the business topics of a namespace to the end offsets captured when the read starts
// (TopicSnapshot: never "stop after N idle seconds") and folds them into a `BusinessLedger`;
// digests and files of ledgers, for `doudi ledger digest` and the convergence tests.
import Crypto
import DoudiDomain
import Envelope
import Foundation
import Kafka

public enum LedgerReader {
    /// The topics whose events make up the business state (inputs are left out).
    public static let topics: [ContractTopic] = ContractTopic.allCases.filter {
        ![.intakeSubmissions, .deptRecords, .reliefApplications].contains($0)
    }

    /// Reads every business topic under `namespace` in full and folds it.
    public static func read(_ kafka: KafkaConfiguration, namespace: String = Topics.namespace,
                            stallTimeout: Duration = .seconds(30)) async throws -> (ledger: BusinessLedger, messages: Int) {
        var fold = LedgerFold()
        let names = topics.map { namespace + $0.name }
        let (_, messages) = try await TopicSnapshot(configuration: kafka, stallTimeout: stallTimeout).read(names) { m in
            guard let topic = ContractTopic(name: String(m.topic.dropFirst(namespace.count))) else { return }
            let dead = topic == .deadletter ? (m.header("dlq_original_topic").map { String($0.dropFirst(namespace.count)) } ?? "?",
                                               m.header("dlq_error") ?? "?") : nil
            fold.add(topic: topic, type: m.header("ce_type") ?? "", payload: m.value, eventId: m.header("ce_id") ?? "",
                     deadLetter: dead)
        }
        return (fold.ledger(), messages)
    }
}

extension BusinessLedger {
    /// SHA-256 (hex) of a section's entries in key order, one `key\tvalue\n` line each.
    public func digest(of section: String) -> String {
        var hasher = SHA256()
        for (key, value) in (sections[section] ?? [:]).sorted(by: { $0.key < $1.key }) {
            hasher.update(data: Array("\(key)\t\(value)\n".utf8))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The digest of every section's digest, in section order.
    public var totalDigest: String {
        var hasher = SHA256()
        for name in sections.keys.sorted() { hasher.update(data: Array("\(name)\t\(digest(of: name))\n".utf8)) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The ledger as a JSON file: {"sections": {section: {key: canonical value}}, "intermediate": {...}}.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(LedgerFile(sections: sections, intermediate: intermediate))
    }

    public init(jsonData: Data) throws {
        let file = try JSONDecoder().decode(LedgerFile.self, from: jsonData)
        self.init(sections: file.sections, intermediate: file.intermediate)
    }
}

struct LedgerFile: Codable {
    var sections: [String: [String: String]]
    var intermediate: [String: Int]
}
