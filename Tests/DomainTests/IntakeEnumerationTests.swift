import XCTest
@testable import DoudiDomain

final class IntakeEnumerationTests: XCTestCase {
    /// Every raw value is accepted at `path`, a made-up one is `unknown_value`, and an empty
    /// one is `required` or, for an optional field, simply absent.
    private func assertEveryValue<E: CaseIterable & RawRepresentable>(
        _ type: E.Type, at path: String, required: Bool = true, file: StaticString = #filePath, line: UInt = #line
    ) where E.RawValue == String {
        let base = Fixture.document
        for value in E.allCases.map(\.rawValue) {
            XCTAssertNotNil(Fixture.accepted(base.setting(path, .string(value)), file: file, line: line), "\(path)=\(value)")
        }
        assertRejects(base.setting(path, .string("no_such_value")), path, "unknown_value", file: file, line: line)
        if required {
            assertRejects(base.setting(path, .string("")), path, "required", file: file, line: line)
        } else {
            XCTAssertNotNil(Fixture.accepted(base.setting(path, .string("")), file: file, line: line))
        }
    }

    func testChannels() {
        // Every channel's own requirements are met by the fixture (collector, declaration, phone).
        assertEveryValue(Channel.self, at: "channel")
    }

    func testAreaAndGender() {
        assertEveryValue(Area.self, at: "area")
        let female = Fixture.document.setting("members[1].gender", .string("female"))
        XCTAssertNotNil(Fixture.accepted(female))
        assertRejects(Fixture.document.setting("applicant.gender", .string("x")), "applicant.gender", "unknown_value")
    }

    func testRelations() {
        // Younger relations on the spouse's entry (born after the applicant), older ones on the parent's.
        let younger: Set<String> = ["spouse", "child", "grandchild", "sibling", "child_in_law", "parent_in_law", "other"]
        for relation in Relation.allCases.map(\.rawValue) where relation != "self" {
            let path = younger.contains(relation) ? "members[1].relation" : "members[3].relation"
            XCTAssertNotNil(Fixture.accepted(Fixture.document.setting(path, .string(relation))), relation)
        }
        assertRejects(Fixture.document.setting("members[1].relation", .string("cousin")), "members[1].relation", "unknown_value")
    }

    func testMemberCodes() {
        assertEveryValue(MaritalStatus.self, at: "members[1].maritalStatus", required: false)
        assertEveryValue(Occupation.self, at: "members[1].occupation")
        assertEveryValue(LaborAbility.self, at: "members[1].laborAbility")
        // The child has a disability grade, so every health value fits there.
        assertEveryValue(Health.self, at: "members[2].health")
        assertEveryValue(Health.self, at: "supporters[0].health", required: false)
        assertEveryValue(Occupation.self, at: "supporters[0].occupation", required: false)
    }

    func testHouseSafety() {
        assertEveryValue(HouseSafety.self, at: "assets.houses[0].safety", required: false)
    }

    func testCodesForgiveCaseAndBlanks() throws {
        let doc = Fixture.document.setting("area", .string(" Urban ")).setting("channel", .string("HOME_VISIT"))
        let s = try XCTUnwrap(Fixture.accepted(doc))
        XCTAssertEqual(s.area, .urban)
        XCTAssertEqual(s.channel, .homeVisit)
    }

    func testHardshipReasonCodes() throws {
        let doc = Fixture.document.setting("hardshipReasons", json: #"[" Illness", "illness", "FIRE"]"#)
        XCTAssertEqual(Fixture.accepted(doc)?.hardshipReasons, ["illness", "fire"], "normalised and de-duplicated")
        // The codes are the domain's list (HardshipReason): another code names the allowed ones.
        assertRejects(Fixture.document.setting("hardshipReasons", json: #"["illness", "disaster_2024"]"#), "hardshipReasons[1]",
                      "unknown_value")
        for reason in HardshipReason.allCases {
            XCTAssertEqual(Fixture.accepted(Fixture.document.setting("hardshipReasons", json: "[\"\(reason.rawValue)\"]"))?.hardshipReasons,
                           [reason.rawValue])
        }
        assertRejects(Fixture.document.setting("hardshipReasons", json: #"["生病"]"#), "hardshipReasons[0]", "invalid_code")
        assertRejects(Fixture.document.setting("hardshipReasons", json: #"["2x"]"#), "hardshipReasons[0]", "invalid_code")
        let many = "[" + (0...20).map { _ in "\"illness\"" }.joined(separator: ",") + "]"
        assertRejects(Fixture.document.setting("hardshipReasons", json: many), "hardshipReasons", "too_many_items")
    }
}
