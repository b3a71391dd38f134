// The in-process pipeline (tests of processors) judges a delivered event as the consumer loop
// does (Inbox.claim): the same (ce_source, ce_id) with the same payload is skipped, with other
// content refused as a collision, and another producer's id is its own.
import Envelope
import GRDB
import ServiceKit
import XCTest

private struct CountingProcessor: EventProcessor {
    let name = "counting"
    let inputTopics = ["counting.input"]
    func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("counting-v1") { try $0.execute(sql: "CREATE TABLE applied(id TEXT NOT NULL)") }
    }
    func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent] {
        try context.db.execute(sql: "INSERT INTO applied(id) VALUES (?)", arguments: [event.id])
        return []
    }
}

final class InProcessPipelineMarkerTests: XCTestCase {
    func testRedeliveriesSkippedCollisionsRefused() throws {
        let pipeline = try InProcessPipeline(CountingProcessor())
        func event(_ id: String, source: String = "/tests", body: String = "{}") -> CloudEvent {
            CloudEvent(id: id, source: source, type: "counting.v1", time: "2026-12-03T10:00:00+08:00", data: Array(body.utf8))
        }
        try pipeline.deliver(event("e1"), on: "counting.input")
        try pipeline.deliver(event("e1"), on: "counting.input")
        try pipeline.deliver(event("e1", source: "/other"), on: "counting.input")
        XCTAssertThrowsError(try pipeline.deliver(event("e1", body: "{\"n\":1}"), on: "counting.input")) {
            XCTAssertTrue("\($0)".contains("event id collision"), "\($0)")
        }
        let applied = try pipeline.db.read { try String.fetchAll($0, sql: "SELECT id FROM applied") }
        XCTAssertEqual(applied, ["e1", "e1"], "once from each producer")
    }
}
