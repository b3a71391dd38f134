import BulkImport
import DoudiDomain
import Envelope
import Foundation
import Kafka
import TestSupport
import XCTest

/// Issue 18, finding 7: bureau files in GB18030/GBK are read as what they are, and text that was
/// garbled upstream is rejected with the row and the field, not accepted as a name.
final class ImportEncodingTests: XCTestCase {
    private func csv(_ rows: [(name: String, person: Int)]) -> String {
        let header = ["regionCode", "area", "applicantName", "applicantIdNumber", "collectedAt", "members", "wagesFen"]
        let lines = rows.map { row -> String in
            let id = Samples.idNumber(300 + row.person)
            let members = "[{\"relation\":\"self\",\"name\":\"\(row.name)\",\"idNumber\":\"\(id)\",\"health\":\"healthy\",\"occupation\":\"farming\",\"laborAbility\":\"full\"}]"
            return CSV.line(["110101001", "rural", row.name, id, "2023-12-31", members, "1000"])
        }
        return ([CSV.line(header)] + lines).joined(separator: "\r\n") + "\r\n"
    }

    /// The system's iconv, as a bureau's export would produce the bytes.
    private func encode(_ text: String, as encoding: String) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        p.arguments = ["-f", "UTF-8", "-t", encoding]
        let input = Pipe(), output = Pipe()
        p.standardInput = input; p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(text.utf8)); try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        return data
    }

    func testGB18030AndGBKFilesAreDecodedAndGarbledTextIsRejected() async throws {
        let namespace = try await TestBroker.freshNamespace(partitions: 1)
        let dir = temporaryDirectory("import-encoding")
        let gb18030 = dir + "/bureau-gb18030.csv", gbk = dir + "/bureau-gbk.csv", garbled = dir + "/garbled.csv"
        try encode(csv([("张三丰", 1), ("欧阳𠀾", 2)]), as: "GB18030").write(to: URL(fileURLWithPath: gb18030))
        try encode(csv([("李四", 3)]), as: "GBK").write(to: URL(fileURLWithPath: gbk))
        // UTF-8, but the names were garbled before: GBK bytes shown as Latin-1, and a replacement character.
        try csv([("ÕÅÈý", 4), ("王\u{FFFD}五", 5), ("赵六", 6)]).write(toFile: garbled, atomically: true, encoding: .utf8)

        for path in [gb18030, gbk] {
            let r = try runDoudi(["import", "--channel", "historical", path, "--quiet"], namespace: namespace)
            XCTAssertEqual(r.status, 0, r.output)
        }
        let g = try runDoudi(["import", "--channel", "historical", garbled, "--quiet"], namespace: namespace)
        XCTAssertEqual(g.status, 0, g.output)
        XCTAssertTrue(g.output.contains("3 rows, 1 sent"), g.output)
        let report = try String(contentsOfFile: garbled + ".doudi-import.errors.jsonl", encoding: .utf8)
        let entries = report.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(entries.map { $0["line"] as? Int }, [2, 3], report)
        XCTAssertTrue(report.contains("garbled_text") && report.contains("applicant.name"), "names the field: \(report)")

        let sent = try await TestBroker.readSettled(namespace + "intake.submissions", minimum: 4, quiet: .seconds(2))
        let names = Set(payloads(sent).compactMap { ($0["applicant"] as? [String: Any])?["name"] as? String })
        XCTAssertEqual(names, ["张三丰", "欧阳𠀾", "李四", "赵六"], "decoded, not garbled: \(names)")

        // A file that is text in neither encoding stops before anything is sent.
        let binary = dir + "/binary.csv"
        try Data([0x61, 0x2C, 0x62, 0x0A, 0xFF, 0xFE, 0x81, 0x0A]).write(to: URL(fileURLWithPath: binary))
        let b = try runDoudi(["import", "--channel", "historical", binary, "--quiet"], namespace: namespace)
        XCTAssertNotEqual(b.status, 0)
        XCTAssertTrue(b.output.contains("neither UTF-8 nor GB18030") && b.output.contains("line 2"), b.output)
    }

    /// A workbook as Excel writes it (shared strings, numbers, an inline string), built with Python's zipfile.
    private func workbook(_ path: String, rows: [[String]]) throws {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: rows), as: UTF8.self)
        let script = """
            import json, sys, zipfile
            from xml.sax.saxutils import escape
            rows = json.loads(sys.argv[2]); shared = []
            def col(i):
                s = ""
                i += 1
                while i: i, r = divmod(i - 1, 26); s = chr(65 + r) + s
                return s
            sheet = []
            for r, row in enumerate(rows, start=1):
                cells = []
                for c, v in enumerate(row):
                    ref = col(c) + str(r)
                    if v.isdigit() and len(v) < 10: cells.append('<c r="%s"><v>%s</v></c>' % (ref, v))
                    elif v.startswith("["): cells.append('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, escape(v)))
                    else: shared.append(v); cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, len(shared) - 1))
                sheet.append('<row r="%d">%s</row>' % (r, "".join(cells)))
            ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
            z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)
            z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
            z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook %s %s><sheets><sheet name="登记表" sheetId="1" r:id="rId1"/></sheets></workbook>' % (ns, rel))
            z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
            z.writestr("xl/sharedStrings.xml", '<?xml version="1.0"?><sst %s>%s</sst>' % (ns, "".join("<si><t>%s</t></si>" % escape(v) for v in shared)))
            z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet %s><sheetData>%s</sheetData></worksheet>' % (ns, "".join(sheet)))
            z.close()
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, path, json]
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }

    func testExcelWorkbooksAreImported() async throws {
        let namespace = try await TestBroker.freshNamespace(partitions: 1)
        let path = temporaryDirectory("import-xlsx") + "/乡镇登记.xlsx"
        let header = ["regionCode", "area", "applicantName", "applicantIdNumber", "collectedAt", "members", "wagesFen"]
        func row(_ name: String, _ person: Int, area: String = "rural") -> [String] {
            let id = Samples.idNumber(400 + person)
            return ["110101001", area, name, id, "2023-12-31",
                    "[{\"relation\":\"self\",\"name\":\"\(name)\",\"idNumber\":\"\(id)\",\"health\":\"healthy\",\"occupation\":\"farming\",\"laborAbility\":\"full\"}]",
                    "120000"]
        }
        try workbook(path, rows: [header, row("周七", 1), row("吴八", 2, area: "sea")])
        let r = try runDoudi(["import", "--channel", "historical", path, "--quiet"], namespace: namespace)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.output.contains("2 rows, 1 sent"), r.output)
        let report = try String(contentsOfFile: path + ".doudi-import.errors.jsonl", encoding: .utf8)
        let lines = report.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(lines.map { $0["line"] as? Int }, [3], "the sheet's row 3 is named: \(report)")
        XCTAssertTrue(report.contains("area"), report)
        let sent = try await TestBroker.readSettled(namespace + "intake.submissions", minimum: 1, quiet: .seconds(2))
        let body = try XCTUnwrap(payloads(sent).first)
        XCTAssertEqual((body["applicant"] as? [String: Any])?["name"] as? String, "周七")
        XCTAssertEqual((body["income"] as? [String: Any])?["wagesFen"] as? Int, 120000)
    }
}
