import Foundation
import TestSupport
import XCTest

/// JSON logs on request, and settings that cannot be read stop a service at start with their name.
final class RuntimeSettingsTests: XCTestCase {
    func testJSONLogsAreOneObjectPerLine() async throws {
        let h = try await NoopHarness.make("jsonlogs", partitions: 1)
        let service = try h.start(extra: ["DOUDI_LOG_FORMAT": "json"])
        defer { service.terminate() }
        let started = try await eventually(timeout: .seconds(20)) { service.log.contains("\"message\":\"starting\"") }
        XCTAssertTrue(started, service.log)
        service.terminate()
        let lines = service.log.split(separator: "\n").filter { $0.hasPrefix("{") }
        XCTAssertFalse(lines.isEmpty)
        for line in lines {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String], String(line))
            XCTAssertNotNil(object["time"]); XCTAssertNotNil(object["level"]); XCTAssertNotNil(object["logger"])
        }
        let start = try XCTUnwrap(lines.lazy.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
            .first { $0["message"] == "starting" })
        XCTAssertEqual(start["group"], h.group, "metadata are fields")
    }

    func testUnreadableSettingsStopTheServiceWithTheirNames() async throws {
        let h = try await NoopHarness.make("badsettings", partitions: 1)
        let service = try h.start(extra: ["DOUDI_OUTBOX_MAX_AGE": "soon", "DOUDI_RETRY_BUDGET": "0", "DOUDI_LOG_FORMAT": "xml"])
        let stopped = try await eventually(timeout: .seconds(20)) { !service.process.isRunning }
        XCTAssertTrue(stopped)
        XCTAssertEqual(service.process.terminationStatus, 78, "EX_CONFIG, as for a missing secret")
        for name in ["DOUDI_OUTBOX_MAX_AGE=soon", "DOUDI_RETRY_BUDGET=0", "DOUDI_LOG_FORMAT=xml"] {
            XCTAssertTrue(service.log.contains(name), "\(name) named: \(service.log)")
        }
    }
}
