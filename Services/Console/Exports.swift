// Every list exports as CSV (UTF-8 with a byte-order mark, so Excel opens Chinese text) and as
// XLSX (a minimal Office Open XML workbook, one sheet, strings inline), the files county staff
// keep alongside their spreadsheets. Exports hold the same columns as the page, never more.
import Foundation
import ZIPFoundation

struct Sheet: Sendable {
    var name: String
    var headers: [String]
    var rows: [[String]]

    func csv() -> Data {
        func cell(_ s: String) -> String {
            // A leading =, +, - or @ would be read as a formula by a spreadsheet: quote it as text.
            var v = s
            if let f = v.first, "=+-@".contains(f) { v = "'" + v }
            return v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : v
        }
        var out = "\u{FEFF}" + headers.map(cell).joined(separator: ",") + "\r\n"
        for r in rows { out += r.map(cell).joined(separator: ",") + "\r\n" }
        return Data(out.utf8)
    }

    func xlsx() throws -> Data {
        func x(_ s: String) -> String {
            String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" || $0 == "\n" }))
                .replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        func column(_ i: Int) -> String {
            var n = i + 1, s = ""
            while n > 0 { let r = (n - 1) % 26; s = String(UnicodeScalar(UInt8(65 + r))) + s; n = (n - 1) / 26 }
            return s
        }
        var sheet = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
        for (r, row) in ([headers] + rows).enumerated() {
            sheet += "<row r=\"\(r + 1)\">"
            for (c, value) in row.enumerated() {
                sheet += "<c r=\"\(column(c))\(r + 1)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(x(value))</t></is></c>"
            }
            sheet += "</row>"
        }
        sheet += "</sheetData></worksheet>"
        let files: [(String, String)] = [
            ("[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>
                """),
            ("_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """),
            ("xl/workbook.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="\(x(String(name.prefix(31))))" sheetId="1" r:id="rId1"/></sheets></workbook>
                """),
            ("xl/_rels/workbook.xml.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>
                """),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, text) in files {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<min(data.count, Int(position) + size))
            }
        }
        return archive.data ?? Data()
    }
}
