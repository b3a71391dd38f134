import DoudiDomain
import XCTest

/// What a new generation of topics copies (`doudi topics repartition`, docs/scaling.md): every
/// event but what a rebuilt service derives again from its cause, the dead letters and the ticks.
final class GenerationTests: XCTestCase {
    func testOnlyWhatARebuiltServiceDerivedIsLeftToItAndEveryOutsideFactIsCopied() {
        XCTAssertEqual(Generation.rebuilt, ["classifier", "router"], "the services whose state is split by partition")
        for type in EventType.allCases {
            for topic in type.topics {
                for source in type.producers + ["/hospital-a", "/doudi/import"] where !source.hasSuffix("*") {
                    let rebuilt = Generation.rebuilt.map { "/doudi/\($0)" }.contains(source)
                    let expected: Generation.Fate = topic == .deadletter ? .left : topic == .clockTicks ? .tickedAgain
                        : topic == .auditAccess ? .copied : rebuilt ? .derivedAgain : .copied
                    XCTAssertEqual(Generation.fate(topic: topic, source: source, caused: true), expected, "\(type.rawValue) from \(source) on \(topic)")
                    // Without a cause, the classifier's came from its operators (a sample, a
                    // re-evaluation): copied; the router's came from its clock: derived again.
                    if topic != .deadletter && topic != .clockTicks {
                        let uncaused: Generation.Fate = source == "/doudi/router" && topic != .auditAccess ? .derivedAgain : .copied
                        XCTAssertEqual(Generation.fate(topic: topic, source: source, caused: false), uncaused, "\(type.rawValue) from \(source), no cause")
                    }
                }
            }
        }
        // What a kept service published is copied even with a cause: it will not publish it again.
        XCTAssertEqual(Generation.fate(topic: .assistanceOutcomes, source: "/doudi/medical", caused: true), .copied)
        XCTAssertEqual(Generation.fate(topic: .registryHouseholds, source: "/doudi/matcher", caused: true), .copied)
        XCTAssertEqual(Generation.fate(topic: .monitoringWarnings, source: "/doudi/classifier", caused: true), .derivedAgain)
        XCTAssertEqual(Generation.fate(topic: .assistanceOutcomes, source: "/doudi/router", caused: true), .derivedAgain)
        XCTAssertEqual(Generation.fate(topic: .workTasks, source: "/doudi/classifier", caused: false), .copied)
        XCTAssertEqual(Generation.fate(topic: .assistanceOutcomes, source: "/doudi/router", caused: false), .derivedAgain,
                       "the escalations of the router's clock")
        // An operator's read of a referral is recorded by the router without a cause, and no input
        // gives it again: the audit trail is copied, not left to be derived.
        XCTAssertEqual(Generation.fate(topic: .auditAccess, source: "/doudi/router", caused: false), .copied)
        XCTAssertEqual(Generation.fate(topic: .auditAccess, source: "/doudi/classifier", caused: false), .copied)
        // A source that only starts like a rebuilt one is not it.
        XCTAssertEqual(Generation.fate(topic: .monitoringWarnings, source: "/doudi/classifier-b", caused: true), .copied)
    }

    func testEveryServiceIsEitherRebuiltOrKeptWhenItReadsTopics() {
        for service in KafkaAccess.services where !KafkaAccess.consumes(service).isEmpty {
            XCTAssertNotEqual(Generation.rebuilt.contains(service), Generation.kept.contains(service), service)
        }
        XCTAssertTrue(Generation.kept.contains("casework"))
        XCTAssertTrue(Generation.kept.contains("matcher"))
        XCTAssertFalse(Generation.kept.contains("router"))
    }
}
