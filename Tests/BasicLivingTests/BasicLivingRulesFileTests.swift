// The rules file of doudi-basic-living is checked at start like the handlers' (HandlerKit's
// RulesFile: unknown fields, types, region keys against the region directory) plus its values;
// a bad file stops the service with exit status 78 and a message naming the field. No broker needed.
import DoudiDomain
import Foundation
import HandlerKit
import TestSupport
import XCTest

final class BasicLivingRulesFileTests: XCTestCase {
    func parse(_ json: String) throws -> RegionalRules<BasicLivingPolicy> {
        try RulesFile.parse(BasicLivingPolicy.self, Data(json.utf8), name: "rules.json")
    }

    func message(_ json: String) -> String {
        do { _ = try parse(json); return "" } catch { return "\(error)" }
    }

    func testEveryProblemNamesItsField() throws {
        XCTAssertTrue(message(#"{"default": {"minimumMonthyFen": 1}}"#).contains("unknown field default.minimumMonthyFen"))
        XCTAssertTrue(message(#"{"default": {"amountBasis": "per_family"}}"#).contains("amountBasis"))
        XCTAssertTrue(message(#"{"default": {"autoExit": "yes"}}"#).contains("autoExit"))
        XCTAssertTrue(message(#"{"regions": {"14x": {}}}"#).contains("region key \"14x\""))
        let unknown = message(#"{"regions": {"149999": {"autoReview": "manual"}}}"#)
        XCTAssertTrue(unknown.contains("regions.149999"), unknown)
        let good = try parse(#"{"default": {"version": "v2"}, "regions": {"140106": {"confirmedBy": "township", "autoExit": false}}}"#)
        XCTAssertEqual(good.rules(for: "140106001").confirmedBy, .township)
        XCTAssertEqual(good.rules(for: "140105001").version, "v2")
        XCTAssertEqual(good.problems { RegionNames.label($0) }, [])
    }

    func testTheServiceRefusesABadRulesFile() async throws {
        let dir = temporaryDirectory("basic-living-rules")
        let file = dir + "/rules.json"
        try #"{ "regions": { "1401": { "tekunBasicPermille": 900 } } }"#.write(toFile: file, atomically: true, encoding: .utf8)
        let p = try ServiceProcess("doudi-basic-living", environment: ["DOUDI_DATA_DIR": dir, "DOUDI_BASIC_LIVING_RULES_FILE": file],
                                   logName: "basic-living-rules-\(UUID().uuidString.prefix(6))")
        let exited = try await eventually(timeout: .seconds(20)) { !p.process.isRunning }
        if !exited { p.terminate() }
        XCTAssertTrue(exited)
        XCTAssertEqual(p.process.terminationStatus, 78)
        XCTAssertTrue(p.log.contains("refusing to start: DOUDI_BASIC_LIVING_RULES_FILE"), p.log)
        XCTAssertTrue(p.log.contains("regions.1401 (") && p.log.contains(").tekunBasicPermille: 900 is outside 1000–5000"), p.log)
    }
}
