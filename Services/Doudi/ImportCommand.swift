import ArgumentParser
import BulkImport
import DoudiDomain
import Envelope
import Foundation

/// `doudi import`: a file of submissions (historical registers, data-comparison lists) to
/// `intake.submissions`, or a department feed (`--dept`) to `dept.records`. Resumable: a
/// checkpoint beside the file records the last acknowledged batch (see docs/intake.md).
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Bulk import of submissions or department records (JSON Lines or CSV).")

    @OptionGroup var broker: BrokerOptions
    @Option(help: "Channel of the submissions: data_comparison or historical.") var channel: String?
    @Flag(help: "The file holds department records (dept.record.v1) for the matcher.") var dept = false
    @Option(help: "jsonl or csv (default: by the file's extension).") var format: String?
    @Option(help: "Rows per acknowledged batch.") var batchSize = 2000
    @Flag(help: "Import from the start, ignoring a checkpoint and replacing the error report.") var restart = false
    @Flag(help: "No progress line on standard error.") var quiet = false
    @Argument(help: "The file to import.") var file: String

    func validate() throws {
        guard dept || channel != nil else { throw ValidationError("give --channel data_comparison|historical, or --dept") }
        if let channel, !["data_comparison", "historical"].contains(channel) {
            throw ValidationError("--channel must be data_comparison or historical (other channels use the API)")
        }
        if let format, ImportFormat(rawValue: format) == nil { throw ValidationError("--format must be jsonl or csv") }
        guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("cannot read \(file)") }
    }

    func run() async throws {
        var options = BulkImportOptions(path: file, format: format.flatMap(ImportFormat.init(rawValue:)),
                                        topic: dept ? Topics.deptRecords : Topics.intakeSubmissions, kafka: broker.kafka)
        options.batchSize = max(1, batchSize)
        options.restart = restart
        options.showProgress = !quiet
        let importer = BulkImporter(options: options)
        let keyer = PersonKeyer(secret: try Secrets.personKeySecret())
        // Today's date bounds birth and collection dates, as intake will on the events' time.
        guard let today = CivilDate(iso: Timestamp.rfc3339()) else { throw ValidationError("no clock") }
        let summary: ImportSummary
        if dept {
            summary = try await importer.run(mapper: DeptRecordRowMapper(path: file, asOf: today, keyer: keyer))
        } else {
            let channel = Channel(rawValue: channel ?? "") ?? .historical
            summary = try await importer.run(mapper: SubmissionRowMapper(channel: channel, path: file, asOf: today, keyer: keyer))
        }
        if summary.resumedAfterLine > 0 { print("resumed after line \(summary.resumedAfterLine)") }
        print("import: \(summary.rows) rows, \(summary.produced) sent to \(options.topic), \(summary.invalid) invalid"
              + String(format: " (%.0f rows/s this run)", Double(summary.rowsThisRun) / max(summary.seconds, 0.001)))
        if summary.invalid > 0 { print("error report: \(summary.reportPath)") }
    }
}
