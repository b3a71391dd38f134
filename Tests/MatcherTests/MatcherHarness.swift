import ServiceKit
import DoudiDomain
import Envelope
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import Kafka
import TestSupport

/// The matcher as a child process on a fresh topic namespace, with its own group and store.
struct MatcherHarness {
    static let secret = "matcher-tests-secret-of-at-least-32-bytes"
    static let token = OperatorToken.development(subject: "matcher-test", role: .province, regions: ["*"])
    static let keyer = PersonKeyer(secret: secret)
    /// Every input of a test is produced with this key: one partition, so their order is total
    /// and a replay applies them in the same order.
    static let orderingKey = "matcher-test-order"

    let ns: String
    let dataDir: String
    let group: String
    let httpPort: Int

    static func make(_ name: String) async throws -> MatcherHarness {
        let ns = try await TestBroker.freshNamespace()
        return MatcherHarness(ns: ns, dataDir: temporaryDirectory("matcher-\(name)"), group: "test-\(ns)matcher",
                              httpPort: Int.random(in: 21_000..<29_000))
    }

    func start(group: String? = nil, extra: [String: String] = [:]) throws -> ServiceProcess {
        try ServiceProcess("doudi-matcher", environment: [
            "DOUDI_TOPIC_NAMESPACE": ns, "DOUDI_GROUP_ID": group ?? self.group, "DOUDI_DATA_DIR": dataDir,
            "DOUDI_PERSON_KEY_SECRET": Self.secret, "DOUDI_STATS_MIN_CELL": "1",
            "DOUDI_HTTP_PORT": String(httpPort), "DOUDI_BATCH_SIZE": "100",
        ].merging(extra) { $1 }, logName: "\(ns)matcher")
    }

    var storePath: String { "\(dataDir)/matcher.sqlite" }

    // MARK: inputs

    static func idNumber(_ i: Int) -> String { SyntheticRegistry.idNumber(1_000 + i) }
    static func key(_ i: Int) -> String { keyer.key(for: idNumber(i)) }
    /// The id the matcher gives a household founded by person i (`HouseholdIds`).
    static func householdId(_ i: Int) -> String { HouseholdIds(secret: secret).id(for: key(i)) }
    /// 成员一二 for 12: a name of letters only (names with digits are refused, issue 13).
    static func name(_ i: Int) -> String { "成员" + String(i).map { "〇一二三四五六七八九".map(String.init)[$0.wholeNumberValue!] }.joined() }

    static func member(_ i: Int, _ relation: Relation) -> Member {
        Member(relation: relation, name: name(i), idNumber: idNumber(i), occupation: .farming, personKey: key(i))
    }

    static func submission(_ id: String, channel: Channel = .homeVisit, applicant: Int, members: [Int],
                           collectedAt: String, wagesFen: Int64 = 600_000) -> Submission {
        Submission(submissionId: id, channel: channel, regionCode: "140105001", area: .rural,
                   applicant: Applicant(name: name(applicant), idNumber: idNumber(applicant), personKey: key(applicant)),
                   members: members.map { member($0, $0 == applicant ? .self : .child) },
                   income: Income(wagesFen: wagesFen), collectedAt: collectedAt)
    }

    func produceAccepted(_ submission: Submission, eventId: String? = nil) async throws -> CloudEvent {
        try await produce(type: "intake.accepted.v1", id: eventId ?? "acc-\(submission.submissionId)",
                          to: ns + "intake.accepted", payload: submission)
    }

    func produceRecord(_ record: DeptRecord) async throws -> CloudEvent {
        try await produce(type: "dept.record.v1", id: "rec-\(record.recordId)", to: ns + "dept.records", payload: record)
    }

    func produceOutcome(_ outcome: Outcome) async throws -> CloudEvent {
        try await produce(type: "assistance.outcome.v1", id: "out-\(outcome.outcomeId)", to: ns + "assistance.outcomes",
                          payload: outcome)
    }

    func produce<T: Encodable>(type: String, id: String, to topic: String, payload: T) async throws -> CloudEvent {
        let event = try CloudEvent.make(id: id, source: "/tests", type: type, time: "2024-06-30T10:00:00+08:00",
                                        subject: nil, key: Self.orderingKey, causationID: nil, payload: payload)
        try await TestBroker.produce([event], to: topic)
        return event
    }

    // MARK: outputs

    func households(until: @escaping ([HouseholdProfile]) -> Bool) async throws -> [HouseholdProfile] {
        try await TestBroker.read(ns + "registry.households") { until(Self.profiles($0)) }.map(Self.profile)
    }

    static func profiles(_ messages: [KafkaMessage]) -> [HouseholdProfile] { messages.map(profile) }
    static func profile(_ m: KafkaMessage) -> HouseholdProfile {
        try! JSONDecoder().decode(HouseholdProfile.self, from: Data(m.value))
    }

    func signals(until: @escaping ([Signal]) -> Bool) async throws -> [KafkaMessage] {
        try await TestBroker.read(ns + "monitoring.signals") { messages in
            until(messages.map { try! JSONDecoder().decode(Signal.self, from: Data($0.value)) })
        }
    }

    /// The stored profiles (id → JSON), for replay comparisons.
    func storedProfiles() throws -> [String: String] {
        try OpenBeside.open(storePath).read { db in
            var out: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, profile FROM households") {
                out[row[0]] = String(decoding: row[1] as Data, as: UTF8.self)
            }
            return out
        }
    }

    func scalar(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try OpenBeside.open(storePath).read { try Int.fetchOne($0, sql: sql, arguments: arguments) ?? 0 }
    }

    /// Applied events so far: 0 until the store exists and its migrations have made the table (the
    /// file appears before the runtime's migrations run, so a poll can land between the two).
    func appliedCount() throws -> Int {
        guard FileManager.default.fileExists(atPath: storePath) else { return 0 }
        return try OpenBeside.open(storePath).read { db in
            try db.tableExists("runtime_applied_events")
                ? Int.fetchOne(db, sql: "SELECT count(*) FROM runtime_applied_events") ?? 0 : 0
        }
    }

    // MARK: HTTP

    func get(_ path: String, token: String? = MatcherHarness.token) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(httpPort)\(path)")!)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, data)
    }
}
