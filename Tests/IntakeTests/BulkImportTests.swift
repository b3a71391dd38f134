import BulkImport
import DoudiDomain
import Envelope
import Foundation
import Kafka
import TestSupport
import XCTest

/// `doudi import`: JSON Lines and CSV, per-row error report, resume after a kill.
final class BulkImportTests: XCTestCase {
    func testJSONLinesAndCSVWithBadRows() async throws {
        let intake = try await IntakeUnderTest(name: "import")
        let dir = temporaryDirectory("import-files")
        func row(_ n: Int) throws -> String {
            var s = Samples.submission(id: nil, person: 100 + n)
            s["channel"] = nil
            return String(decoding: try JSONSerialization.data(withJSONObject: s), as: UTF8.self)
        }
        var badFields = Samples.submission(id: nil, person: 120)
        badFields["area"] = "moon"
        badFields["channel"] = nil
        let jsonl = [try row(1), try row(2), "{\"truncated\": ", "", try row(3),
                     String(decoding: try JSONSerialization.data(withJSONObject: badFields), as: UTF8.self), try row(4)]
        let jsonlPath = dir + "/register.jsonl"
        try (jsonl.joined(separator: "\n") + "\n").write(toFile: jsonlPath, atomically: true, encoding: .utf8)

        let header = ["regionCode", "area", "applicantName", "applicantIdNumber", "collectedAt", "members", "wagesFen", "note"]
        func csvRow(_ n: Int, area: String = "rural") -> String {
            let id = Samples.idNumber(200 + n)
            let members = "[{\"relation\":\"self\",\"name\":\"测试\",\"idNumber\":\"\(id)\",\"health\":\"healthy\",\"occupation\":\"farming\",\"laborAbility\":\"full\"}]"
            return CSV.line(["110101001", area, "测试", id, "2023-12-31", members, "\(n * 1000)", "multi\nline note"])
        }
        let csv = [CSV.line(header), csvRow(1), csvRow(2, area: "sea"), "only,three,fields", csvRow(3)]
        let csvPath = dir + "/historic.csv"
        try (csv.joined(separator: "\r\n") + "\r\n").write(toFile: csvPath, atomically: true, encoding: .utf8)

        let j = try runDoudi(["import", "--channel", "historical", jsonlPath, "--quiet"], namespace: intake.namespace)
        XCTAssertEqual(j.status, 0, j.output)
        XCTAssertTrue(j.output.contains("6 rows, 4 sent"), j.output)
        let c = try runDoudi(["import", "--channel", "historical", csvPath], namespace: intake.namespace)
        XCTAssertEqual(c.status, 0, c.output)
        XCTAssertTrue(c.output.contains("4 rows, 2 sent"), c.output)
        XCTAssertTrue(c.output.contains("ETA"), "progress on stderr: \(c.output)")

        let jReport = try String(contentsOfFile: jsonlPath + ".doudi-import.errors.jsonl", encoding: .utf8)
        let jEntries = jReport.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(jEntries.map { $0["line"] as? Int }, [3, 6], "lines of the file, the blank line counted")
        XCTAssertTrue(jReport.contains("\"area\"") && jReport.contains("unknown_value"), jReport)
        XCTAssertFalse(jReport.contains(Samples.idNumber(120)), "no personal data in the report")
        let cReport = try String(contentsOfFile: csvPath + ".doudi-import.errors.jsonl", encoding: .utf8)
        let cEntries = cReport.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(cEntries.map { $0["line"] as? Int }, [4, 6], "a quoted line break makes each record two lines")

        let expected: Set = ["historical-register.jsonl-1", "historical-register.jsonl-2", "historical-register.jsonl-5",
                             "historical-register.jsonl-7", "historical-historic.csv-2", "historical-historic.csv-7"]
        let accepted = try await TestBroker.readSettled(intake.topic("intake.accepted"), minimum: expected.count)
        XCTAssertEqual(Set(submissionIds(accepted)), expected)
        XCTAssertEqual(accepted.count, expected.count)

        let again = try runDoudi(["import", "--channel", "historical", csvPath, "--quiet"], namespace: intake.namespace)
        XCTAssertNotEqual(again.status, 0, "a completed import is not repeated by accident")
        XCTAssertTrue(again.output.contains("--restart"), again.output)
    }

    func testKilledImportResumesWithoutLosingOrDuplicatingRows() async throws {
        let intake = try await IntakeUnderTest(name: "resume", extraEnvironment: ["DOUDI_SYNCHRONOUS": "normal", "DOUDI_BATCH_SIZE": "2000"])
        let rows = 50_000
        let path = temporaryDirectory("import-resume") + "/big.jsonl"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var chunk = Data()
        for n in 0..<rows {
            var s = Samples.submission(id: nil, person: n)
            s["channel"] = nil
            chunk.append(try JSONSerialization.data(withJSONObject: s)); chunk.append(0x0A)
            if chunk.count > 1 << 20 { out.write(chunk); chunk.removeAll() }
        }
        out.write(chunk); try out.close()

        let first = try startDoudi(["import", "--channel", "data_comparison", path, "--batch-size", "1000", "--quiet"],
                                   namespace: intake.namespace)
        let started = try await eventually(timeout: .seconds(120)) {
            ((try? ImportCheckpoint.load(for: path))??.line ?? 0) > 5_000
        }
        kill(first.processIdentifier, SIGKILL); first.waitUntilExit()
        XCTAssertTrue(started, "the import made no progress")
        let stoppedAt = try XCTUnwrap(try ImportCheckpoint.load(for: path))
        XCTAssertFalse(stoppedAt.complete, "killed before the end (the test needs a bigger file)")
        XCTAssertLessThan(stoppedAt.line, rows)

        let second = try runDoudi(["import", "--channel", "data_comparison", path, "--quiet"], namespace: intake.namespace)
        XCTAssertEqual(second.status, 0, second.output)
        XCTAssertTrue(second.output.contains("resumed after line \(stoppedAt.line)"), second.output)
        XCTAssertTrue(second.output.contains("\(rows) rows, \(rows) sent"), second.output)

        let sent = try await TestBroker.readSettled(intake.topic("intake.submissions"), minimum: rows, timeout: .seconds(300))
        let sentIds = sent.compactMap { $0.header("ce_id") }
        XCTAssertEqual(Set(sentIds).count, rows, "every row sent")
        XCTAssertLessThanOrEqual(sentIds.count - rows, 1000, "at most the batch in flight at the kill is sent twice")
        let accepted = try await TestBroker.readSettled(intake.topic("intake.accepted"), minimum: rows, timeout: .seconds(600))
        let ids = submissionIds(accepted)
        XCTAssertEqual(ids.count, rows, "exactly one acceptance per row")
        XCTAssertEqual(Set(ids), Set((1...rows).map { "data_comparison-big.jsonl-\($0)" }))
    }
}

/// Runs `doudi` with the test's topic namespace and waits for it.
func runDoudi(_ arguments: [String], namespace: String) throws -> (status: Int32, output: String) {
    let p = try startDoudi(arguments, namespace: namespace, capture: true)
    let data = (p.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

func startDoudi(_ arguments: [String], namespace: String, capture: Bool = false) throws -> Process {
    let p = Process()
    p.executableURL = ServiceProcess.binary("doudi")
    p.arguments = arguments + ["--brokers", TestBroker.address]
    var env = ProcessInfo.processInfo.environment
    env["DOUDI_TOPIC_NAMESPACE"] = namespace
    p.environment = env
    if capture {
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
    } else {
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
    }
    try p.run()
    return p
}
