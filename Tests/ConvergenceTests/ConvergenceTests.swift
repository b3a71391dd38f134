import DoudiDomain
import Envelope
import Foundation
import Kafka
import Ledger
import TestSupport
import XCTest

/// The convergence property (docs/architecture.md "Convergence"): the same inputs give the same
/// business ledger whatever the interleaving of topics, batch sizes, start order, restarts,
/// broker pauses and replays. Each run is the whole suite as processes on its own topics, fed the
/// same seeded population (submissions, department records and relief applications at once, with
/// their facts' own times); ledgers are compared key by key.
final class ConvergenceTests: XCTestCase {
    static let households = Int(ProcessInfo.processInfo.environment["DOUDI_CONVERGENCE_HOUSEHOLDS"] ?? "") ?? 500
    static let seed: UInt64 = 4242
    /// The first run's ledger, shared by the tests (each run costs about a minute on two cores).
    nonisolated(unsafe) static var reference: BusinessLedger?
    /// The namespace of the reference run's topics (its events are dumped beside a failure).
    nonisolated(unsafe) static var referenceNamespace: String?

    static func chaos(_ seed: UInt64) -> [String: String] {
        ["DOUDI_TEST_CHAOS_SEED": String(seed), "DOUDI_TEST_CHAOS_MAX_DELAY_MS": "40", "DOUDI_TEST_CHAOS_MAX_BATCH": "25"]
    }

    /// Run A: services in the usual order, submissions first.
    func referenceLedger() async throws -> BusinessLedger {
        if let r = Self.reference { return r }
        let a = try await SuiteRun("conv-a", environment: Self.chaos(1))
        defer { a.stop() }
        try a.start()
        try await a.seed(households: Self.households, seed: Self.seed)
        let settled = try await a.waitUntilSettled()
        XCTAssertTrue(settled, a.logs)
        let ledger = try await a.ledger()
        XCTAssertGreaterThan(ledger.sections["referrals"]?.count ?? 0, Self.households / 5, "the population gives work to do")
        XCTAssertGreaterThan(ledger.sections["signals"]?.count ?? 0, Self.households / 10, "department records reached the households")
        Self.reference = ledger
        Self.referenceNamespace = a.namespace
        return ledger
    }

    /// The divergence not fixed yet, a known limit named in docs/architecture.md ("Convergence",
    /// Limits): printed on every run, not asserted. Everything else must be identical.
    ///
    /// - Two referrals of the same programme granted for the same need (the `not_covered` one and
    ///   the `policy_not_implemented` one after its deadline): which of the two the classifier
    ///   credits with resolving the second warning (`resolvedBy`) follows the event time of the
    ///   router's amendments, which an intermediate state of the warning can date later.
    static func knownLimit(_ d: LedgerDifference) -> String? {
        switch d.section {
        case "warnings" where Self.differOnlyIn(["resolvedBy"], d): return "which referral resolved a warning"
        default: return nil
        }
    }

    /// Whether the two sides of a difference are equal but for `fields`.
    static func differOnlyIn(_ fields: Set<String>, _ d: LedgerDifference) -> Bool {
        func object(_ text: String?) -> [String: Any]? {
            text.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
        guard var a = object(d.this), var b = object(d.other) else { return false }
        for f in fields { a[f] = nil; b[f] = nil }
        return NSDictionary(dictionary: a).isEqual(to: b)
    }

    /// Events of the known limit, left out of the rebuild's "no new ids" check: none (a warning
    /// resolved by the other referral is the same warning event, with another `resolvedBy`).
    static func isKnownLimitEvent(_ payload: String) -> Bool { false }

    func assertSame(_ a: BusinessLedger, _ b: BusinessLedger, _ what: String, namespaces: (String?, String?) = (nil, nil),
                    file: StaticString = #filePath, line: UInt = #line) async {
        let all = a.differences(from: b)
        let known = all.filter { Self.knownLimit($0) != nil }
        if !known.isEmpty {
            let byLimit = Dictionary(grouping: known, by: { Self.knownLimit($0)! }).mapValues(\.count)
            print("\(what): \(known.count) differences of known limits \(byLimit) (not asserted)")
        }
        let differences = all.filter { Self.knownLimit($0) == nil }
        // Both ledgers, for `doudi ledger digest --diff` or any JSON diff.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-convergence-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? a.jsonData().write(to: dir.appendingPathComponent("\(what)-a.json"))
        try? b.jsonData().write(to: dir.appendingPathComponent("\(what)-b.json"))
        let bySection = Dictionary(grouping: differences, by: \.section).mapValues(\.count)
        // Every event of both runs, to see how each reached its state.
        if !differences.isEmpty {
            if let n = namespaces.0 { try? await SuiteRun.dumpEvents(namespace: n, to: dir.appendingPathComponent("\(what)-a-events.jsonl")) }
            if let n = namespaces.1 { try? await SuiteRun.dumpEvents(namespace: n, to: dir.appendingPathComponent("\(what)-b-events.jsonl")) }
        }
        XCTAssertTrue(differences.isEmpty, "\(what): \(differences.count) differences \(bySection) (ledgers in \(dir.path))\n"
                      + differences.prefix(12).map(\.description).joined(separator: "\n"), file: file, line: line)
    }

    /// Run B: services started in reverse order, department records published before the
    /// submissions, other random delays and batch sizes.
    func testSameInputsSameLedgerWhateverTheInterleaving() async throws {
        let reference = try await referenceLedger()
        let b = try await SuiteRun("conv-b", environment: Self.chaos(2))
        defer { b.stop() }
        try b.start(SuiteRun.services.reversed())
        try await b.seed(households: Self.households, seed: Self.seed, recordsFirst: true)
        let settled = try await b.waitUntilSettled()
        XCTAssertTrue(settled, b.logs)
        await assertSame(reference, try await b.ledger(), "interleavings", namespaces: (Self.referenceNamespace, b.namespace))
    }

    /// Runs E1 and E2 (issue 17, docs/scaling.md): the classifier's and the router's state split
    /// into three tasks (one per partition). E1 runs one replica of each service; E2 runs the
    /// matcher, the classifier and the router as two replicas each in one consumer group (the
    /// matcher's one store shared, its inputs not being keyed alike) and SIGKILLs one replica of
    /// each while the population goes through: the survivor takes its partitions over with their
    /// state, and the ledger is E1's. A task's event clock moves with its own partitions' events, so
    /// a split store publishes a due check when its partition next moves, or when the bureau's tick
    /// (`clock.tick.v1`) says the day has begun: after a tick of the last day, E1's ledger is run
    /// A's (docs/scaling.md, "Event time is per task").
    func testTwoReplicasWithOneKilledGiveTheSameLedger() async throws {
        let split = ["doudi-classifier": ["DOUDI_TASKS": "3"], "doudi-router": ["DOUDI_TASKS": "3"]]
        let e1 = try await SuiteRun("conv-e1", environment: Self.chaos(5))
        defer { e1.stop() }
        for exe in SuiteRun.services { try e1.start([exe], environment: split[exe] ?? [:]) }
        try await e1.seed(households: Self.households, seed: Self.seed)
        let settled1 = try await e1.waitUntilSettled()
        XCTAssertTrue(settled1, e1.logs)
        // Each task's clock has moved with its own partitions only: the bureau's tick of the last
        // day (`doudi clock tick`) tells every task the day a single store's clock reached.
        let lastDay = try await e1.latestDay()
        XCTAssertNotNil(lastDay)
        if let lastDay { try await e1.tick(lastDay) }
        let ticked1 = try await e1.waitUntilSettled()
        XCTAssertTrue(ticked1, e1.logs)
        let single = try await e1.ledger()
        e1.stop()
        let reference = try await referenceLedger()
        await assertSame(reference, single, "three tasks", namespaces: (Self.referenceNamespace, e1.namespace))

        let e2 = try await SuiteRun("conv-e2", environment: Self.chaos(6))
        defer { e2.stop() }
        for exe in SuiteRun.services { try e2.start([exe], environment: split[exe] ?? [:]) }
        let replicated = ProcessInfo.processInfo.environment["DOUDI_TEST_REPLICATED"].map { $0.split(separator: ",").map(String.init) }
            ?? ["doudi-matcher", "doudi-classifier", "doudi-router"]
        for exe in replicated { try e2.startReplica(exe, 1, environment: split[exe] ?? [:]) }
        // Both replicas of each assigned partitions before the population arrives.
        let joined = try await eventually(timeout: .seconds(90)) {
            replicated.allSatisfy { exe in
                [e2.processes[exe], e2.replicas["\(exe)#1"]].allSatisfy { $0?.log.contains("change=assign") ?? false }
            }
        }
        XCTAssertTrue(joined, e2.logs)
        try await e2.seed(households: Self.households, seed: Self.seed)
        for exe in replicated {
            try await Task.sleep(for: .milliseconds(1500))
            e2.kill9Replica(exe, 1)
        }
        let settled2 = try await e2.waitUntilSettled(quiet: .seconds(8))
        XCTAssertTrue(settled2, e2.logs)
        if let lastDay { try await e2.tick(lastDay) }
        let ticked2 = try await e2.waitUntilSettled()
        XCTAssertTrue(ticked2, e2.logs)
        for exe in replicated {
            // "assigned=N" in its rebalance lines: some partitions, never all of them.
            let log = e2.replicas["\(exe)#1"]?.log ?? ""
            let counts = log.components(separatedBy: "assigned=").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
            let all = 3 * (SuiteRun.inputs[exe]?.count ?? 0)
            XCTAssertTrue(counts.contains { $0 > 0 && $0 < all }, "\(exe)'s second replica had part of the \(all) partitions before it was killed: \(counts)")
        }
        // Nothing lost, nothing doubled, and no decision changed: every section of the ledger —
        // intake decisions, signals, warnings, referrals, outcomes, programmes, escalations, tasks,
        // disbursements, funds, dead letters — is E1's. (A takeover reads a partition's topics at
        // their own pace; this is what found the waiting referral's date and the grant a denial
        // left standing, docs/scaling.md "Decisions after a takeover".)
        let e2Ledger = try await e2.ledger()
        XCTAssertGreaterThan(single.sections["intake"]?.count ?? 0, 0, "the ledger holds the population's intake decisions")
        await assertSame(single, e2Ledger, "replicas", namespaces: (e1.namespace, e2.namespace))
        e2.stop()

        // E3: the classifier's and the router's second replicas each with a data directory of its
        // own, as on another machine (docs/scaling.md, "Replicas on separate machines:
        // checkpoints"). Each replica checkpoints the tasks it owns every second; the second one of
        // each is SIGKILLed after its first checkpoint, and the first installs the checkpoints of
        // the tasks it takes over and applies the rest of their inputs. The ledger is E1's.
        let own = ["DOUDI_TASKS": "3", "DOUDI_CHECKPOINT_EVERY": "1s"]
        let e3 = try await SuiteRun("conv-e3", environment: Self.chaos(7))
        defer { e3.stop() }
        let separate = ["doudi-classifier", "doudi-router"]
        for exe in SuiteRun.services { try e3.start([exe], environment: separate.contains(exe) ? own : [:]) }
        for exe in separate {
            try e3.startReplica(exe, 1, environment: own.merging(["DOUDI_DATA_DIR": temporaryDirectory("conv-e3-\(exe)")]) { $1 })
        }
        let joined3 = try await eventually(timeout: .seconds(90)) {
            separate.allSatisfy { exe in [e3.processes[exe], e3.replicas["\(exe)#1"]].allSatisfy { $0?.log.contains("change=assign") ?? false } }
        }
        XCTAssertTrue(joined3, e3.logs)
        try await e3.seed(households: Self.households, seed: Self.seed)
        for exe in separate {
            let checkpointed = try await eventually(timeout: .seconds(60)) { e3.replicas["\(exe)#1"]?.log.contains("checkpoint published") ?? false }
            XCTAssertTrue(checkpointed, "\(exe)'s second replica published a checkpoint\n\(e3.replicas["\(exe)#1"]?.log.suffix(2000) ?? "")")
            e3.kill9Replica(exe, 1)
        }
        let settled3 = try await e3.waitUntilSettled(quiet: .seconds(8))
        XCTAssertTrue(settled3, e3.logs)
        if let lastDay { try await e3.tick(lastDay) }
        let ticked3 = try await e3.waitUntilSettled()
        XCTAssertTrue(ticked3, e3.logs)
        for exe in separate {
            let log = e3.processes[exe]?.log ?? ""
            XCTAssertTrue(log.contains("task restored from a checkpoint"), "\(exe) took tasks over from their checkpoints\n\(log.suffix(3000))")
        }
        await assertSame(single, try await e3.ledger(), "replicas with their own directories", namespaces: (e1.namespace, e3.namespace))
    }

    /// Run C: services SIGKILLed and restarted at random and the broker paused for 6 s while the
    /// population goes through; then every store deleted and every service replayed from the
    /// earliest offsets (run D): after the kills and after the rebuild every section is identical,
    /// and the rebuild publishes no business event under an id the first pass had not published.
    func testSameLedgerAfterKillsAPauseAndAWholeSuiteRebuild() async throws {
        let reference = try await referenceLedger()
        let c = try await SuiteRun("conv-c", environment: Self.chaos(3))
        defer { c.stop() }
        try c.start()
        try await c.seed(households: Self.households, seed: Self.seed)
        var rng = SplitMix64(seed: 77)
        for round in 0..<6 {
            try await Task.sleep(for: .milliseconds(700 + Int(rng.next() % 1200)))
            let victim = SuiteRun.services[Int(rng.next() % UInt64(SuiteRun.services.count))]
            c.kill9(victim)
            if round == 2, let pid = ProcessInfo.processInfo.environment["DOUDI_TEST_BROKER_PID"].flatMap({ Int32($0) }) {
                kill(pid, SIGSTOP)
                try await Task.sleep(for: .seconds(6))
                kill(pid, SIGCONT)
            }
            try c.start([victim])
        }
        let settled = try await c.waitUntilSettled(quiet: .seconds(8))
        XCTAssertTrue(settled, c.logs)
        let ledgerC = try await c.ledger()
        await assertSame(reference, ledgerC, "kills", namespaces: (Self.referenceNamespace, c.namespace))
        let before = try await c.businessEventIds(excluding: Self.isKnownLimitEvent)
        c.stop()

        // Run R: the partition count raised from 3 to 5 by a new generation of topics (docs/scaling.md,
        // "Raising the partition count"): `doudi topics repartition` copies C's topics; the classifier
        // and the router start empty on five tasks and derive their events again; every other
        // service keeps C's store, rebaselined to the end of the new topics once they caught up.
        // The ledger is C's, and no business event has an id C had not published.
        let r = try await SuiteRun("conv-r", namespace: "t\(EventID.random().prefix(8)).", environment: Self.chaos(8))
        defer { r.stop() }
        let moved = try runCLI(["topics", "repartition", "--from-namespace", c.namespace, "--to-namespace", r.namespace, "--partitions", "5"])
        XCTAssertEqual(moved.status, 0, moved.output)
        XCTAssertTrue(moved.output.contains("DERIVED AGAIN") && moved.output.contains("repartition: copied"), moved.output)
        let rebuiltServices = Generation.rebuilt.map { "doudi-\($0)" }
        for exe in rebuiltServices { try r.start([exe], environment: ["DOUDI_TASKS": "5"]) }
        let caughtUp = try await r.waitUntilSettled(quiet: .seconds(3))
        XCTAssertTrue(caughtUp, r.logs)
        // Five tasks' clocks moved with their own partitions: the day C's one store reached is ticked
        // (`--verify` names it), then the new generation holds exactly C's events.
        let lastDayC = try await c.latestDay()
        if let lastDayC { try await r.tick(lastDayC) }
        let tickedR = try await r.waitUntilSettled(quiet: .seconds(3))
        XCTAssertTrue(tickedR, r.logs)
        let verified = try runCLI(["topics", "repartition", "--verify", "--from-namespace", c.namespace, "--to-namespace", r.namespace])
        print("repartitioned, --verify:\n\(verified.output)")
        XCTAssertEqual(verified.status, 0, verified.output)
        XCTAssertTrue(verified.output.contains("holds no event the old one did not, and the same ledger"), verified.output)
        XCTAssertTrue(verified.output.contains("reach \(lastDayC?.description ?? "-")"), verified.output)
        for exe in SuiteRun.services where !rebuiltServices.contains(exe) {
            let store = c.dataDir + "/\(exe.dropFirst("doudi-".count)).sqlite"
            guard FileManager.default.fileExists(atPath: store) else { XCTFail("\(exe) kept no store at \(store)"); continue }
            let rebased = try runCLI(["store", "rebaseline", "--store", store, "--to-latest", "--new-namespace", r.namespace,
                                      "--group", r.groupPrefix + exe])
            XCTAssertEqual(rebased.status, 0, rebased.output)
            try r.start([exe], environment: ["DOUDI_DATA_DIR": c.dataDir])
        }
        let settledR = try await r.waitUntilSettled()
        XCTAssertTrue(settledR, r.logs)
        await assertSame(ledgerC, try await r.ledger(), "repartitioned", namespaces: (c.namespace, r.namespace))
        let unknown = try await r.businessEventIds(excluding: Self.isKnownLimitEvent).subtracting(before)
        XCTAssertEqual(unknown.count, 0, "events of the new generation under ids C had not published: \(unknown.prefix(5))")
        r.stop()

        // Every store deleted, every service replayed from the earliest offsets.
        let d = try await SuiteRun("conv-d", namespace: c.namespace, groupPrefix: c.namespace + "rebuild-", environment: Self.chaos(4))
        defer { d.stop() }
        try d.start()
        let rebuilt = try await d.waitUntilSettled(quiet: .seconds(8))
        XCTAssertTrue(rebuilt, d.logs)
        await assertSame(ledgerC, try await d.ledger(), "rebuild", namespaces: (nil, d.namespace))
        let after = try await d.businessEventIds(excluding: Self.isKnownLimitEvent)
        let new = after.subtracting(before)
        if !new.isEmpty {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-convergence-\(ProcessInfo.processInfo.processIdentifier)")
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let file = dir.appendingPathComponent("rebuild-events.jsonl")
            try? await SuiteRun.dumpEvents(namespace: d.namespace, to: file)
            let lines = (try? String(contentsOf: file, encoding: .utf8))?.split(separator: "\n") ?? []
            for line in lines where new.contains(where: { line.contains("\"id\":\"\($0)\"") }) { print("rebuild, new: \(line.prefix(1_500))") }
        }
        XCTAssertEqual(new.count, 0, "business events the rebuild published under ids the first pass had not (printed above, all events in \(FileManager.default.temporaryDirectory.path)/doudi-convergence-\(ProcessInfo.processInfo.processIdentifier))")
    }
}
