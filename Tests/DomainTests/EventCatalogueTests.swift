import DoudiDomain
import XCTest

/// The one catalogue of topics and event types: referral topics come from `Domain.allCases`, every
/// type has a documented sample payload and at least one topic, and names are unique.
final class EventCatalogueTests: XCTestCase {
    func testReferralTopicsFollowTheDomains() {
        XCTAssertEqual(ContractTopic.referralTopics.map(\.name), Domain.allCases.map { "referrals.\($0.rawValue)" })
        XCTAssertEqual(Set(ContractTopic.allCases.map(\.name)).count, ContractTopic.allCases.count, "names are unique")
        for topic in ContractTopic.allCases { XCTAssertEqual(ContractTopic(name: topic.name), topic) }
        XCTAssertNil(ContractTopic(name: "referrals.unknown"))
    }

    func testEveryEventTypeHasTopicsAndASample() {
        let documented = Set(PayloadCatalogue.entries.map(\.type))
        for type in EventType.allCases {
            XCTAssertFalse(type.topics.isEmpty, "\(type.rawValue) is published somewhere")
            XCTAssertTrue(documented.contains(type), "\(type.rawValue) has a sample in PayloadCatalogue")
        }
        XCTAssertEqual(EventType.published(on: .reliefApplications), [.reliefApplication, .reliefApproval, .reliefFundReplenished])
        XCTAssertEqual(EventType.published(on: .referrals(.medical)), [.referral])
    }
}
