import DoudiDomain
import Foundation
import XCTest

/// `HouseholdPeople`, the router's tolerant reading of `registry.household.v1`: from a whole
/// profile's JSON it reads exactly the household, version and members' keys, names and identity
/// numbers the profile holds, and nothing else it would need is lost.
final class HouseholdPeopleTests: XCTestCase {
    func testReadsThePeopleOfAWholeProfileAsThePeopleOfTheDecodedProfile() throws {
        var profile = MatcherFixtures.profile("hh-1", members: ["a", "b", "c"], version: 7,
                                              programs: [Program(domain: .medical, program: "dibao", since: "2024-01-01")],
                                              flags: ["tekun"])
        profile.members[2].personKey = nil // a member intake could not key is read, without a key
        profile.departmentFacts = []
        let json = try JSONEncoder().encode(profile)
        let people = try JSONDecoder().decode(HouseholdPeople.self, from: json)
        XCTAssertEqual(people, HouseholdPeople(profile))
        XCTAssertEqual(people.version, 7)
        XCTAssertEqual(people.members.map(\.name), ["Name-a", "Name-b", "Name-c"])
        XCTAssertEqual(people.members.map(\.personKey), [MatcherFixtures.key("a"), MatcherFixtures.key("b"), nil])
    }

    func testAProfileWithoutItsPeopleIsRefused() throws {
        let profile = MatcherFixtures.profile("hh-2", members: ["a"])
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(profile)) as? [String: Any])
        for missing in ["householdId", "version", "members"] {
            var broken = object
            broken.removeValue(forKey: missing)
            XCTAssertThrowsError(try JSONDecoder().decode(HouseholdPeople.self, from: JSONSerialization.data(withJSONObject: broken)), missing)
        }
        var members = try XCTUnwrap(object["members"] as? [[String: Any]])
        members[0].removeValue(forKey: "idNumber")
        object["members"] = members
        XCTAssertThrowsError(try JSONDecoder().decode(HouseholdPeople.self, from: JSONSerialization.data(withJSONObject: object)))
    }
}
