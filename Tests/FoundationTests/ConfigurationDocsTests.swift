import Foundation
import XCTest

/// docs/configuration.md is the operators' one list of settings: every `DOUDI_*` variable that the
/// services, the shared libraries and the CLI read by name is in it, and it names no variable that
/// nothing reads (a setting renamed or removed in the code is not left behind in the page).
final class ConfigurationDocsTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Variables the code builds from a pattern: documented as the pattern (`DOUDI_KAFKA_<PROPERTY>`),
    /// and by example.
    static func isPatterned(_ name: String) -> Bool {
        name.hasPrefix("DOUDI_KAFKA_") || name.hasPrefix("DOUDI_ALLOWED_SOURCES_")
            || name.hasSuffix("_HTTP_PORT") || name.hasSuffix("_RULES_FILE")
    }

    static func matches(_ pattern: String, in text: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return Set(regex.matches(in: text, range: range).compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } })
    }

    /// `"DOUDI_…"` string literals in the Swift sources under `directories`: the names read.
    static func readByName(under directories: [String]) throws -> Set<String> {
        var names: Set<String> = []
        for directory in directories {
            let base = root.appendingPathComponent(directory)
            guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { continue }
            for case let file as URL in walker where file.pathExtension == "swift" {
                names.formUnion(matches(#""(DOUDI_[A-Z0-9_]*[A-Z0-9])""#, in: try String(contentsOf: file, encoding: .utf8)))
            }
        }
        return names
    }

    func testEveryVariableReadIsDocumentedAndEveryDocumentedOneIsRead() throws {
        let read = try Self.readByName(under: ["Services", "Shared"])
        XCTAssertGreaterThan(read.count, 40, "the scan finds the settings (\(read.count))")
        XCTAssertTrue(read.contains("DOUDI_BROKERS") && read.contains("DOUDI_STORE_CACHE"), "\(read.sorted())")
        let page = try String(contentsOf: Self.root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        // A name followed by `_<` is a pattern's prefix (`DOUDI_KAFKA_<PROPERTY>`), not a name.
        let documented = Self.matches(#"(DOUDI_[A-Z0-9_]*[A-Z0-9])(?![A-Z0-9_<])"#, in: page)

        let undocumented = read.subtracting(documented).sorted()
        XCTAssertEqual(undocumented, [], "read by the code, missing from docs/configuration.md")
        let unread = documented.subtracting(read).filter { !Self.isPatterned($0) }.sorted()
        XCTAssertEqual(unread, [], "in docs/configuration.md, read by nothing under Services/ or Shared/")
    }

    /// The scan sees what it should: a name in a literal counts, a name only in a comment or a
    /// message does not, and a pattern's prefix is not a name.
    func testTheScanReadsLiteralsOnly() {
        let text = #"""
            let a = env["DOUDI_ONE"] ?? "x"   // DOUDI_COMMENTED
            throw E("DOUDI_TWO must be a number, got \(v)")
            for (k, v) in env where k.hasPrefix("DOUDI_KAFKA_") {}
            """#
        XCTAssertEqual(Self.matches(#""(DOUDI_[A-Z0-9_]*[A-Z0-9])""#, in: text), ["DOUDI_ONE"])
    }
}
