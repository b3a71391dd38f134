// A programme-only version's bytes are the stored version's with `programs` and `version`
// replaced (JSONMembers, ChangeEvents.pendingPrograms): they must be exactly what encoding the
// whole profile gives, or a replay and a live run would publish one id with two contents (issue
// 13's collisions). Checked on generated households and their department records with outcomes
// in batches, on a stored row the encoder would not write (a release that wrote profiles another
// way), and on the member replacement itself. In-process (InProcessPipeline), no broker.
@testable import MatcherService
import DoudiDomain
import Envelope
import Foundation
import GRDB
import ServiceKit
import XCTest

final class ProgrammeVersionBytesTests: XCTestCase {
    static func event<T: Encodable>(_ type: EventType, id: String, time: String = "2026-06-30T10:00:00+08:00", _ payload: T) throws -> CloudEvent {
        try CloudEvent.make(id: id, source: "/tests", type: type.rawValue, time: time, subject: nil, key: "order", causationID: nil, payload: payload)
    }

    /// Every registry version published is the encoder's own bytes of the profile it carries.
    static func assertCanonical(_ published: [OutgoingEvent], note: String = "", file: StaticString = #filePath, line: UInt = #line) throws {
        for v in published where v.event.type == EventType.registryHousehold.rawValue {
            let profile = try JSONDecoder().decode(HouseholdProfile.self, from: Data(v.event.data))
            XCTAssertEqual(Data(v.event.data), try JSONCoding.encoder.encode(profile), "version \(profile.version) of \(profile.householdId) \(note)",
                           file: file, line: line)
        }
    }

    func testProgrammeOnlyVersionsOfGeneratedHouseholdsAreTheirFullEncoding() throws {
        let keyer = PersonKeyer(secret: MatcherHarness.secret)
        let generator = PopulationGenerator(seed: 11)
        let remembering = try InProcessPipeline(MatcherProcessor(personKeySecret: MatcherHarness.secret, counters: MatchCounters()))
        let decoding = try InProcessPipeline(MatcherProcessor(personKeySecret: MatcherHarness.secret, counters: MatchCounters(), rows: .none))
        var founding: [(topic: String, event: CloudEvent)] = [], records: [(topic: String, event: CloudEvent)] = []
        let asOf = CivilDate(year: 2026, month: 12, day: 31)!
        for i in 0..<120 {
            let h = generator.household(i)
            guard case .accepted(let s) = SubmissionValidator().validate(Array(try JSONEncoder().encode(h.submission)), asOf: asOf,
                                                                         fallbackSubmissionId: "s-\(i)", personKey: { keyer.key(for: $0) })
            else { return XCTFail("generated submission \(i) rejected") }
            founding.append((Topics.intakeAccepted, try Self.event(.intakeAccepted, id: "acc-\(i)", s)))
            for r in h.records { records.append((Topics.deptRecords, try Self.event(.deptRecord, id: "rec-\(r.recordId)", time: "2026-12-31T10:00:00+08:00", r))) }
        }
        var published: [[OutgoingEvent]] = [[], []]
        func both(_ batch: [(topic: String, event: CloudEvent)]) throws {
            published[0] += try remembering.deliver(batch)
            published[1] += try decoding.deliver(batch)
        }
        try both(founding)
        try both(records)
        let households = try remembering.read { db in try String.fetchAll(db, sql: "SELECT id FROM households ORDER BY id") }
        XCTAssertGreaterThan(households.count, 100)
        // Outcomes in batches of varied sizes: grants, amendments (an amount changed), ends, per person and not.
        let seed = UInt64.random(in: 0 ... .max)
        var rng = SplitMix64(seed: seed)
        var n = 0
        for round in 0..<4 {
            var batch: [(topic: String, event: CloudEvent)] = []
            for hh in households.shuffled(using: &rng).prefix(60) {
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    n += 1
                    let program = ["dibao", "temporary", "medical_aid", "education_aid"].randomElement(using: &rng)!
                    let status: OutcomeStatus = [.granted, .granted, .denied, .closed].randomElement(using: &rng)!
                    let o = Outcome(outcomeId: "o-\(n)", householdId: hh, domain: program == "medical_aid" ? .medical : .basicLiving,
                                    program: program, status: status, amountFen: status == .granted ? Int64.random(in: 1...90_000, using: &rng) : nil,
                                    decidedAt: "2026-08-\(10 + round)", reason: "decided \"\(n)\" \\ \u{4e2d}")
                    batch.append((Topics.assistanceOutcomes, try Self.event(.assistanceOutcome, id: "out-\(n)", o)))
                }
            }
            try both(batch)
        }
        let versions = published[0].filter { $0.event.type == EventType.registryHousehold.rawValue }
        let withProgrammes = try versions.filter { try $0.event.decode(HouseholdProfile.self).programs.isEmpty == false }
        XCTAssertGreaterThan(withProgrammes.count, 50, "the outcomes made programme-only versions (seed \(seed))")
        try Self.assertCanonical(published[0], note: "seed \(seed)")
        try Self.assertCanonical(published[1], note: "seed \(seed)")
        XCTAssertEqual(published[0].map { $0.event.id }, published[1].map { $0.event.id })
        XCTAssertEqual(published[0].map { $0.event.data }, published[1].map { $0.event.data })
    }

    /// A stored row the encoder would not write (a member it does not know, spaces): the version is
    /// the profile encoded whole, never the row with two members replaced.
    func testARowTheEncoderWouldNotWriteIsEncodedWhole() throws {
        let rows = DecodedRows()
        let pipeline = try InProcessPipeline(MatcherProcessor(personKeySecret: MatcherHarness.secret, counters: MatchCounters(), rows: rows))
        let submission = MatcherHarness.submission("s-1", applicant: 1, members: [1, 2], collectedAt: "2024-06-01T09:00:00+08:00")
        try pipeline.deliver([(Topics.intakeAccepted, try Self.event(.intakeAccepted, id: "acc-1", submission))])
        let hh = MatcherHarness.householdId(1)
        try pipeline.db.write { db in
            let bytes = try XCTUnwrap(Data.fetchOne(db, sql: "SELECT profile FROM households WHERE id = ?", arguments: [hh]))
            var text = String(decoding: bytes, as: UTF8.self)
            text.insert(contentsOf: "\"aLegacyMember\" : [1, {\"programs\":[]}], ", at: text.index(after: text.startIndex))
            try db.execute(sql: "UPDATE households SET profile = ? WHERE id = ?", arguments: [Data(text.utf8), hh])
        }
        let grant = Outcome(outcomeId: "o-1", householdId: hh, domain: .basicLiving, program: "dibao", status: .granted,
                            amountFen: 60_000, decidedAt: "2024-06-10", reason: "approved")
        let published = try pipeline.deliver([(Topics.assistanceOutcomes, try Self.event(.assistanceOutcome, id: "out-1", grant))])
        let version = try XCTUnwrap(published.first { $0.event.type == EventType.registryHousehold.rawValue })
        XCTAssertFalse(String(decoding: version.event.data, as: UTF8.self).contains("aLegacyMember"))
        try Self.assertCanonical(published)
        XCTAssertEqual(try rows.profiles.held(hh).map { $0.value.canonical }, true, "the version written is the encoder's")
    }

    // MARK: the member replacement

    func testMembersAreReplacedAtTheTopLevelOnly() throws {
        let object = Data(#"{"a":{"programs":[1]},"programs":[{"x":"]}\"programs\":"}],"s":"\"version\":3","version":7,"z":null}"#.utf8)
        let replaced = try XCTUnwrap(JSONMembers.replacing(["programs": Array("[]".utf8), "version": Array("8".utf8)], in: object))
        XCTAssertEqual(String(decoding: replaced, as: UTF8.self), #"{"a":{"programs":[1]},"programs":[],"s":"\"version\":3","version":8,"z":null}"#)
        // Spaces around members and values are kept as they were.
        let spaced = Data(" { \"version\" : 1 , \"b\" : [ true , false ] } ".utf8)
        XCTAssertEqual(JSONMembers.replacing(["version": Array("2".utf8)], in: spaced).map { String(decoding: $0, as: UTF8.self) },
                       " { \"version\" : 2 , \"b\" : [ true , false ] } ")
        XCTAssertEqual(JSONMembers.replacing([:], in: Data("{}".utf8)), Data("{}".utf8))
    }

    func testWhatIsNotOneObjectWithEachMemberOnceIsRefused() {
        let v = ["version": Array("2".utf8)]
        for text in ["", "[]", "3", "\"version\"", "{", "{\"version\":1", "{\"version\":1}}", "{\"version\":1}x", "{\"version\":}",
                     "{\"version\" 1}", "{\"version\":1,}", "{\"version\":[1}", "{\"version\":{]}", "{\"a\":1}", "{\"version\":1,\"version\":2}",
                     "{\"version\":\"unterminated}", "{version:1}", "{\"version\":1 2}"] {
            XCTAssertNil(JSONMembers.replacing(v, in: Data(text.utf8)), text)
        }
    }

    /// Random objects written with sorted keys: replacing members gives what writing the changed object gives.
    func testRandomObjectsReplaceAsTheyWouldBeWritten() throws {
        let seed = UInt64.random(in: 0 ... .max)
        var rng = SplitMix64(seed: seed)
        func string() -> String {
            String((0..<Int.random(in: 0...8, using: &rng)).map { _ in ["a", "\"", "\\", "{", "}", "[", "]", ",", ":", "中", "\n", "/", "é", "\u{01}"].randomElement(using: &rng)! })
        }
        func value(_ depth: Int) -> Any {
            switch Int.random(in: 0...(depth > 2 ? 3 : 5), using: &rng) {
            case 0: return string()
            case 1: return Int.random(in: -1_000_000...1_000_000, using: &rng)
            case 2: return Bool.random(using: &rng)
            case 3: return NSNull()
            case 4: return (0..<Int.random(in: 0...4, using: &rng)).map { _ in value(depth + 1) }
            default: return Dictionary((0..<Int.random(in: 0...5, using: &rng)).map { _ in (string(), value(depth + 1)) }) { a, _ in a }
            }
        }
        func written(_ object: Any) throws -> Data {
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        }
        for _ in 0..<2_000 {
            var object = Dictionary((0..<Int.random(in: 0...8, using: &rng)).map { _ in (string(), value(0)) }) { a, _ in a }
            // Names written without escapes (the replacement compares a key's bytes as written).
            let names = Array(Set((0..<Int.random(in: 1...3, using: &rng)).map { _ in ["programs", "version", "a", "é中", ""].randomElement(using: &rng)! }))
            for name in names where Bool.random(using: &rng) || object[name] == nil { object[name] = value(1) }
            let before = try written(object)
            var replacements: [String: [UInt8]] = [:]
            for name in names {
                let new = value(0)
                object[name] = new
                replacements[name] = Array(try written(new))
            }
            XCTAssertEqual(JSONMembers.replacing(replacements, in: before), try written(object), "seed \(seed): \(String(decoding: before, as: UTF8.self))")
        }
    }
}
