import Contracts
import DoudiDomain
import Envelope
import Foundation
import XCTest
import Yams

/// docs/schemas and docs/asyncapi.yaml are what the code generates; every topic is documented;
/// every sample payload satisfies its own schema's required list.
final class ContractDocumentsTests: XCTestCase {
    static let docs = ComposeTests.root.appendingPathComponent("docs")

    func testDocumentsAreCurrent() throws {
        for (path, content) in try ContractFiles.all() {
            let onDisk = try? String(contentsOf: Self.docs.appendingPathComponent(path), encoding: .utf8)
            XCTAssertEqual(onDisk, content, "docs/\(path) is stale: run `doudi contract --write docs`")
        }
    }

    /// Issue 18, finding 6: the document used to have duplicate keys, so a YAML parser kept the last
    /// and `assistance.outcome.v1` vanished. Loaded with duplicate keys rejected, every topic is a
    /// channel and every type a message of each channel it travels on; every operation points at them.
    func testAsyncAPILoadsWithoutDuplicateKeysAndEveryTypeIsOnItsChannels() throws {
        let text = try String(contentsOf: Self.docs.appendingPathComponent("asyncapi.yaml"), encoding: .utf8)
        let document = try XCTUnwrap(try Yams.load(yaml: text) as? [String: Any], "duplicate keys are an error in Yams")
        let channels = try XCTUnwrap(document["channels"] as? [String: [String: Any]])
        let byAddress = Dictionary(uniqueKeysWithValues: channels.map { ($0.value["address"] as! String, $0) })
        for topic in ContractTopic.allCases { XCTAssertNotNil(byAddress[topic.name], "\(topic) is a channel") }
        let components = try XCTUnwrap((document["components"] as? [String: Any])?["messages"] as? [String: [String: Any]])
        for type in EventType.allCases {
            for topic in type.topics {
                let (_, channel) = try XCTUnwrap(byAddress[topic.name])
                let refs = ((channel["messages"] as? [String: [String: String]]) ?? [:]).values.compactMap { $0["$ref"] }
                let names = refs.compactMap { components[String($0.split(separator: "/").last!)]?["name"] as? String }
                XCTAssertTrue(names.contains(type.rawValue), "\(type.rawValue) on \(topic.name): \(names)")
            }
        }
        let operations = try XCTUnwrap(document["operations"] as? [String: [String: Any]])
        XCTAssertTrue(operations.values.contains { ($0["action"] as? String) == "receive" })
        XCTAssertTrue(operations.values.contains { ($0["action"] as? String) == "send" })
        for (name, op) in operations {
            let channelRef = try XCTUnwrap((op["channel"] as? [String: String])?["$ref"], name)
            let channelID = String(channelRef.dropFirst("#/channels/".count))
            XCTAssertNotNil(channels[channelID], "\(name) → \(channelRef)")
            for ref in (op["messages"] as? [[String: String]] ?? []).compactMap({ $0["$ref"] }) {
                XCTAssertTrue(ref.hasPrefix("#/channels/\(channelID)/messages/"), "\(name): \(ref) is a message of its channel")
                let message = String(ref.split(separator: "/").last!)
                XCTAssertNotNil((channels[channelID]?["messages"] as? [String: Any])?[message], "\(name): \(ref)")
            }
        }
        // A duplicate key really is refused.
        XCTAssertThrowsError(try Yams.load(yaml: "a: 1\nb: 2\na: 3\n"))
    }

    /// The document is valid AsyncAPI 3.0.0: validated against the official JSON Schema
    /// (../shared/reference/asyncapi/) with a Draft-07 validator (Python's jsonschema).
    func testAsyncAPIIsValidAgainstTheOfficialSchema() throws {
        let schema = try XCTUnwrap(Self.sharedReference("asyncapi/asyncapi-3.0.0.schema.json"),
                                   "the AsyncAPI 3.0.0 schema is in ../shared/reference/asyncapi/")
        let text = try String(contentsOf: Self.docs.appendingPathComponent("asyncapi.yaml"), encoding: .utf8)
        let document = try XCTUnwrap(try Yams.load(yaml: text))
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("asyncapi-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: document).write(to: json)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
            errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
            for e in errors[:20]: print("/".join(map(str, e.path)), ":", e.message[:300])
            sys.exit(1 if errors else 0)
            """, schema.path, json.path]
        let out = Pipe(); p.standardOutput = out; p.standardError = out
        try p.run()
        let report = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "docs/asyncapi.yaml is not valid AsyncAPI 3.0.0:\n\(report)")
    }

    /// A schema change is additive against the last released schemas (docs/schemas/released/).
    func testSchemaChangesAreAdditiveAgainstTheLastRelease() throws {
        let released = try SchemaCompatibility.load(directory: Self.docs.appendingPathComponent("schemas/released").path)
        XCTAssertFalse(released.isEmpty, "docs/schemas/released holds the last release's schemas")
        let current = try SchemaCompatibility.load(directory: Self.docs.appendingPathComponent("schemas").path)
        let breaks = SchemaCompatibility.breaks(released: released, current: current)
        XCTAssertEqual(breaks, [], "breaking changes: \(breaks.map(\.description).joined(separator: "; "))")
    }

    /// The compatibility check itself: what must fail fails, what must pass passes.
    func testTheAdditiveCheckTellsBreakingFromAdditiveChanges() throws {
        func schema(_ props: [String: Any], required: [String]) -> [String: Any] { ["type": "object", "properties": props, "required": required] }
        let status: [String: Any] = ["type": "string", "enum": ["open", "resolved"]]
        let old = ["w.schema.json": schema(["id": ["type": "string"], "status": status, "n": ["type": "integer"]], required: ["id"])]
        func check(_ new: [String: Any], extra: [String: Any] = [:]) -> [String] {
            SchemaCompatibility.breaks(released: old, current: ["w.schema.json": new].merging(extra) { $1 }).map(\.change)
        }
        // Additive: a new optional field, a new enum value (`retracted`), a new type.
        XCTAssertEqual(check(schema(["id": ["type": "string"], "status": ["type": "string", "enum": ["open", "resolved", "retracted"]],
                                     "n": ["type": "integer"], "revision": ["type": "integer"]], required: ["id"]),
                             extra: ["x.v2.schema.json": schema([:], required: [])]), [])
        // Breaking: newly required, removed, type changed, enum value removed, type gone.
        XCTAssertEqual(check(schema(["id": ["type": "string"], "status": status, "n": ["type": "integer"], "r": ["type": "string"]],
                                    required: ["id", "r"])).count, 1)
        XCTAssertEqual(check(schema(["id": ["type": "string"], "status": status], required: ["id"])), ["property removed"])
        XCTAssertEqual(check(schema(["id": ["type": "string"], "status": status, "n": ["type": "string"]], required: ["id"])),
                       ["type changed from integer to string"])
        XCTAssertEqual(check(schema(["id": ["type": "string"], "status": ["type": "string", "enum": ["open"]], "n": ["type": "integer"]],
                                    required: ["id"])), ["enum values removed: resolved"])
        XCTAssertEqual(SchemaCompatibility.breaks(released: old, current: [:]).count, 1)
    }

    /// `../shared/reference/<path>` beside the repository (CI) or beside the worktree's parent.
    static func sharedReference(_ path: String) -> URL? {
        var dir = ComposeTests.root
        for _ in 0..<3 {
            dir = dir.deletingLastPathComponent()
            let candidate = dir.appendingPathComponent("shared/reference/\(path)")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return nil
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
