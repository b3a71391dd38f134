import DoudiDomain
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Bureau registers often come as Excel workbooks. An `.xlsx` file (Office Open XML: a ZIP of XML
/// parts) is read here: the first worksheet's cells (shared strings, inline strings, numbers,
/// booleans) become rows, written once as a UTF-8 CSV copy beside the workbook that the import then
/// reads like any CSV (its header row, its line numbers = the sheet's row numbers).
///
/// Dates: Excel keeps a date as a day number; give date columns (e.g. `collectedAt`) as text
/// (`2024-06-01`), as the bureaus' templates do. Formulas are read by their cached value.
public enum XLSXReader {
    public struct Unreadable: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { "not a readable .xlsx workbook: \(reason)" }
    }

    /// The CSV copy of the first worksheet (rewritten only when its content changes).
    public static func csvPath(for path: String) throws -> String {
        let rows = try firstSheet(path: path)
        // Sheet rows are numbered; keep the numbering so that error reports name the sheet's rows.
        var lines: [String] = []
        var previous = 0
        for (number, cells) in rows {
            while previous + 1 < number { lines.append(""); previous += 1 }
            lines.append(CSV.line(cells))
            previous = number
        }
        let csv = lines.joined(separator: "\r\n") + "\r\n"
        let copy = path + ".csv"
        if (try? String(contentsOfFile: copy, encoding: .utf8)) != csv { try csv.write(toFile: copy, atomically: true, encoding: .utf8) }
        return copy
    }

    /// (row number, cells) of the first worksheet, in order; empty rows left out.
    static func firstSheet(path: String) throws -> [(Int, [String])] {
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) }
        catch { throw Unreadable(reason: "not a ZIP archive") }
        func part(_ name: String) throws -> Data? {
            guard let entry = archive[name] else { return nil }
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            return data
        }
        guard let workbook = try part("xl/workbook.xml") else { throw Unreadable(reason: "no xl/workbook.xml") }
        let book = Collector(); parse(workbook, book)
        guard let firstSheetRel = book.sheetRelationIDs.first else { throw Unreadable(reason: "the workbook has no sheet") }
        var target = "worksheets/sheet1.xml"
        if let rels = try part("xl/_rels/workbook.xml.rels") {
            let r = Collector(); parse(rels, r)
            if let t = r.relationships[firstSheetRel] { target = t }
        }
        let sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        guard let sheet = try part(sheetPath) else { throw Unreadable(reason: "no \(sheetPath)") }
        var shared: [String] = []
        if let strings = try part("xl/sharedStrings.xml") { let s = Collector(); parse(strings, s); shared = s.sharedStrings }
        let cells = Collector(); cells.sharedStrings = shared; parse(sheet, cells)
        if let error = cells.error { throw Unreadable(reason: error) }
        return cells.rows.sorted { $0.key < $1.key }.compactMap { number, byColumn in
            guard let last = byColumn.keys.max() else { return nil }
            let values = (0...last).map { byColumn[$0] ?? "" }
            return values.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } ? nil : (number, values)
        }
    }

    private static func parse(_ data: Data, _ collector: Collector) {
        let parser = XMLParser(data: data)
        parser.delegate = collector
        if !parser.parse(), collector.error == nil { collector.error = "malformed XML (\(parser.parserError.map { "\($0)" } ?? "?"))" }
    }

    /// Column index of a cell reference: `A1` → 0, `AB12` → 27.
    static func column(_ reference: String) -> Int? {
        var n = 0, seen = false
        for scalar in reference.unicodeScalars {
            guard let v = scalar.properties.numericType == nil && scalar.value >= 65 && scalar.value <= 90 ? Int(scalar.value - 64) : nil else { break }
            n = n * 26 + v; seen = true
        }
        return seen ? n - 1 : nil
    }

    /// What the parts say: sheets, relationships, shared strings, cells.
    final class Collector: NSObject, XMLParserDelegate {
        var sheetRelationIDs: [String] = []
        var relationships: [String: String] = [:]
        var sharedStrings: [String] = []
        var rows: [Int: [Int: String]] = [:]
        var error: String?

        private var inSharedItem = false, inText = false, inValue = false
        private var text = ""
        private var cell: (row: Int, column: Int, type: String)?
        private var currentRow = 0, nextColumn = 0

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch local(name) {
            case "sheet": if let id = attributes["r:id"] ?? attributes.first(where: { $0.key.hasSuffix(":id") })?.value { sheetRelationIDs.append(id) }
            case "Relationship": if let id = attributes["Id"], let t = attributes["Target"] { relationships[id] = t }
            case "si": inSharedItem = true; text = ""
            case "t": inText = true; if !inSharedItem && cell == nil { text = "" }
            case "row":
                currentRow = attributes["r"].flatMap(Int.init) ?? currentRow + 1
                nextColumn = 0
            case "c":
                let column = attributes["r"].flatMap(XLSXReader.column) ?? nextColumn
                cell = (currentRow, column, attributes["t"] ?? "n")
                nextColumn = column + 1
                text = ""
            case "v": inValue = true
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inText || inValue { text += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch local(name) {
            case "t": inText = false
            case "v": inValue = false
            case "si": sharedStrings.append(text); inSharedItem = false
            case "c":
                guard let c = cell else { return }
                let value: String
                switch c.type {
                case "s":
                    guard let i = Int(text), sharedStrings.indices.contains(i) else {
                        error = "row \(c.row): a shared string index out of range"; cell = nil; return
                    }
                    value = sharedStrings[i]
                case "b": value = text == "1" ? "true" : "false"
                case "n": value = Self.number(text)
                default: value = text   // inlineStr, str (a formula's text), e (an error's text)
                }
                rows[c.row, default: [:]][c.column] = value
                cell = nil
            default: break
            }
        }

        /// Numbers as written: `1200000` not `1.2E6`, integers without `.0`.
        static func number(_ text: String) -> String {
            guard let d = Double(text), d.isFinite else { return text }
            if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            return text
        }

        private func local(_ name: String) -> String { name.split(separator: ":").last.map(String.init) ?? name }
    }
}
