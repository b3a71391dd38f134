import DoudiDomain
import Envelope
import Foundation
import XCTest

/// docs/schemas and docs/asyncapi.yaml are what the code generates; every topic is documented;
/// every sample payload satisfies its own schema's required list.
final class ContractDocumentsTests: XCTestCase {
    static let docs = ComposeTests.root.appendingPathComponent("docs")

    func testDocumentsAreCurrent() throws {
        for (path, content) in ContractDocuments.files() {
            let onDisk = try? String(contentsOf: Self.docs.appendingPathComponent(path), encoding: .utf8)
            XCTAssertEqual(onDisk, content, "docs/\(path) is stale: run `doudi contract --write docs`")
        }
    }

    func testEveryTopicIsInTheAsyncAPIDocument() throws {
        let asyncapi = try String(contentsOf: Self.docs.appendingPathComponent("asyncapi.yaml"), encoding: .utf8)
        for topic in Topics.all { XCTAssertTrue(asyncapi.contains("address: \(topic)\n"), "\(topic) documented") }
    }

    func testSchemasDescribeWhatTheEncoderWrites() throws {
        let encoder = JSONEncoder()
        for entry in PayloadCatalogue.entries {
            let schema = JSONSchema.schema(title: entry.ceType, id: "x", for: entry.sample)
            let json = try JSONSerialization.jsonObject(with: encoder.encode(AnyEncodable(entry.sample))) as! [String: Any]
            let properties = schema["properties"] as! [String: Any]
            XCTAssertEqual(Set(json.keys), Set(properties.keys), "\(entry.ceType): encoded keys equal schema properties")
            for key in schema["required"] as! [String] { XCTAssertNotNil(json[key], "\(entry.ceType).\(key) required") }
        }
    }

    func testEnumerationsListEveryCase() throws {
        let warning = JSONSchema.schema(title: "w", id: "x", for: PayloadCatalogue.entries.first { $0.ceType == "monitoring.warning.v1" }!.sample)
        let disposal = (warning["properties"] as! [String: Any])["disposal"] as! [String: Any]
        XCTAssertEqual(disposal["enum"] as? [String], Disposal.allCases.map(\.rawValue))
    }
}

/// Encodes an existential sample.
struct AnyEncodable: Encodable {
    let value: Any
    init(_ value: Any) { self.value = value }
    func encode(to encoder: Encoder) throws { try (value as! any Encodable).encode(to: encoder) }
}
