import XCTest
@testable import DoudiDomain

final class IntakeHouseholdRulesTests: XCTestCase {
    private func member(_ id: String, relation: String = "other") -> String {
        #"{"relation":"\#(relation)","name":"成员","idNumber":"\#(id)","health":"healthy","occupation":"other","laborAbility":"full"}"#
    }

    func testMemberCountBounds() {
        assertRejects(Fixture.document.setting("members", json: "[]"), "members", "too_few_items")
        let self0 = member(Fixture.applicantId, relation: "self")
        let others = (1..<31).map { member(TestID.make("110101", "19900101", pad3($0))) }
        let thirty = "[" + ([self0] + others.prefix(29)).joined(separator: ",") + "]"
        XCTAssertEqual(Fixture.accepted(Fixture.document.setting("members", json: thirty).setting("applicant.name", .string("成员")))?.members.count, 30)
        let thirtyOne = "[" + ([self0] + others).joined(separator: ",") + "]"
        assertRejects(Fixture.document.setting("members", json: thirtyOne), "members", "too_many_items")
    }

    func testDuplicateMember() {
        let doc = Fixture.document.setting("members[3].idNumber", .string(Fixture.spouseId))
        assertRejects(doc, "members[3].idNumber", "duplicate_member")
        // Normalisation happens first: a lower-case x does not hide a duplicate.
        let x = "11010519491231002X"
        let twice = Fixture.document.setting("members[1].idNumber", .string(x)).setting("members[3].idNumber", .string(x.lowercased()))
        assertRejects(twice, "members[3].idNumber", "duplicate_member")
    }

    func testApplicantMustBeAMemberWithRelationSelf() {
        assertRejects(Fixture.document.setting("members[0].idNumber", .string(TestID.make("110101", "19800512", "135"))),
                      "applicant.idNumber", "applicant_not_member")
        assertRejects(Fixture.document.setting("members[0].relation", .string("sibling")), "members[0].relation", "applicant_relation_not_self")
        assertRejects(Fixture.document.setting("members[1].relation", .string("self")), "members[1].relation", "multiple_self")
        assertRejects(Fixture.document.setting("applicant.name", .string("张四")), "applicant.name", "applicant_name_mismatch")
        XCTAssertNotNil(Fixture.accepted(Fixture.document.setting("applicant.name", .string(" 张三 "))), "blanks do not count")
    }

    func testStatedAgeWithinOneYear() {
        for age in [43, 44, 45] {
            XCTAssertNotNil(Fixture.accepted(Fixture.document.setting("members[0].statedAge", json: String(age))), "\(age)")
        }
        for age in [42, 46] {
            assertRejects(Fixture.document.setting("members[0].statedAge", json: String(age)), "members[0].statedAge", "age_mismatch")
        }
    }

    func testRelationAgeConsistency() {
        let olderThanApplicant = TestID.make("110101", "19700101", "213")
        let youngerThanApplicant = TestID.make("110101", "20000101", "213")
        for relation in ["child", "grandchild"] {
            assertRejects(Fixture.document.setting("members[2].idNumber", .string(olderThanApplicant)).setting("members[2].relation", .string(relation)),
                          "members[2].relation", "relation_age_inconsistent")
        }
        for relation in ["parent", "grandparent"] {
            assertRejects(Fixture.document.setting("members[3].idNumber", .string(youngerThanApplicant)).setting("members[3].relation", .string(relation)),
                          "members[3].relation", "relation_age_inconsistent")
        }
        let sameDay = TestID.make("110101", "19800512", "213")
        assertRejects(Fixture.document.setting("members[2].idNumber", .string(sameDay)), "members[2].relation", "relation_age_inconsistent")
        XCTAssertNotNil(Fixture.accepted(Fixture.document.setting("members[1].idNumber", .string(olderThanApplicant)).setting("members[1].gender", nil)),
                        "a spouse may be older")
    }

    func testDisabilityGrade() {
        assertRejects(Fixture.document.setting("members[2].disabilityGrade", nil), "members[2].disabilityGrade", "required")
        assertRejects(Fixture.document.setting("members[2].disabilityGrade", .null), "members[2].disabilityGrade", "required")
        for grade in 1...4 {
            XCTAssertEqual(Fixture.accepted(Fixture.document.setting("members[2].disabilityGrade", json: String(grade)))?.members[2].disabilityGrade, grade)
        }
        for grade in ["0", "5"] {
            assertRejects(Fixture.document.setting("members[2].disabilityGrade", json: grade), "members[2].disabilityGrade", "out_of_range")
        }
        XCTAssertNotNil(Fixture.accepted(Fixture.document.setting("members[1].disabilityGrade", .null)), "null when not disabled")
    }

    func testGenderMustAgreeWithTheIdentityNumber() {
        assertRejects(Fixture.document.setting("applicant.gender", .string("female")), "applicant.gender", "gender_mismatch")
        assertRejects(Fixture.document.setting("members[1].gender", .string("male")), "members[1].gender", "gender_mismatch")
    }

    func testBornAfterCollection() {
        let baby = TestID.make("110101", "20240615", "224")
        assertRejects(Fixture.document.setting("members[2].idNumber", .string(baby)), "members[2].idNumber", "born_after_collection")
    }

    func testIdentityNumberProblemsPerMember() {
        let cases: [(String, String)] = [
            (TestID.withWrongCheck(Fixture.childId), "id_check_digit"),
            ("1234", "invalid_id_number"),
            (TestID.make("990101", "20100901", "315"), "invalid_id_province"),
            (TestID.make("110101", "20100931", "315"), "invalid_birth_date"),
            (TestID.make("110101", "20250101", "315"), "invalid_birth_date"),
        ]
        for (id, code) in cases { assertRejects(Fixture.document.setting("members[2].idNumber", .string(id)), "members[2].idNumber", code) }
    }

    func testSupporters() {
        assertRejects(Fixture.document.setting("supporters[0].idNumber", .string(Fixture.parentId)), "supporters[0].idNumber", "supporter_is_member")
        let supporterId = TestID.make("120101", "19700101", "111")
        let twice = Fixture.document.setting("supporters", json: "[\(member(supporterId)), \(member(supporterId))]")
        assertRejects(twice, "supporters[1].idNumber", "duplicate_supporter")
        let many = "[" + (0...20).map { member(TestID.make("120101", "19700101", pad3($0))) }.joined(separator: ",") + "]"
        assertRejects(Fixture.document.setting("supporters", json: many), "supporters", "too_many_items")
    }
}
