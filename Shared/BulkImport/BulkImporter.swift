import DoudiDomain
import Envelope
import Foundation
import Kafka

/// What a mapper makes of one row.
public enum RowOutcome: Sendable {
    /// Publish this event (its id must be a function of the row, so a re-sent batch is recognised).
    case event(CloudEvent)
    /// Report the row in the error report and publish nothing.
    case invalid(id: String?, [RowIssue])
}

/// Turns rows into events: `SubmissionRowMapper`, `DeptRecordRowMapper`, or a caller's own.
public protocol RowMapper {
    mutating func map(_ record: SourceRecord) -> RowOutcome
}

public struct BulkImportOptions: Sendable {
    public var path: String
    public var format: ImportFormat
    public var topic: String
    public var kafka: KafkaConfiguration
    /// Rows per acknowledged batch (and per checkpoint).
    public var batchSize = 2000
    /// Ignore (and replace) an existing checkpoint and error report.
    public var restart = false
    public var showProgress = true

    public init(path: String, format: ImportFormat? = nil, topic: String, kafka: KafkaConfiguration) {
        self.path = path; self.format = format ?? .guess(path: path); self.topic = topic; self.kafka = kafka
    }
}

public struct ImportSummary: Sendable {
    public var rows: Int
    public var produced: Int
    public var invalid: Int
    /// The line the import resumed after (0: from the start).
    public var resumedAfterLine: Int
    public var rowsThisRun: Int
    public var seconds: Double
    public var reportPath: String
}

/// Streams a file into a topic in acknowledged batches, with a per-row error report and a
/// checkpoint after every batch: an interrupted import resumes where it stopped.
public struct BulkImporter {
    public let options: BulkImportOptions

    public init(options: BulkImportOptions) { self.options = options }

    public func run<M: RowMapper>(mapper: M) async throws -> ImportSummary {
        var mapper = mapper
        let path = options.path
        // GB18030/GBK input is read through a UTF-8 copy (the same bytes on every run, so the
        // checkpoint's offsets hold); input in neither encoding stops here, before anything is sent.
        // An Excel workbook is read through a CSV copy of its first sheet.
        let sheet = path.lowercased().hasSuffix(".xlsx") ? try XLSXReader.csvPath(for: path) : path
        let readable = try InputEncoding.utf8Path(for: sheet)
        let inputBytes = (try FileManager.default.attributesOfItem(atPath: readable.path)[.size] as? NSNumber)?.uint64Value ?? 0
        var state = try startingCheckpoint(inputBytes: inputBytes)
        let resumedAfter = state.line
        let report = try ImportReport(input: path, keepingBytes: state.reportBytes)
        defer { report.close() }
        var source = try RecordSource(path: readable.path, format: options.format, offset: state.offset, line: state.line)
        defer { source.close() }
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(options.kafka))
        var progress = ImportProgress(totalBytes: inputBytes, startOffset: state.offset, enabled: options.showProgress)
        let started = ContinuousClock.now
        var rowsThisRun = 0

        var messages: [OutgoingMessage] = []
        var issues: [ImportReport.Entry] = []
        var batchEnd: (offset: UInt64, line: Int)?
        func flush() async throws {
            guard let end = batchEnd else { return }
            try await producer.send(messages)
            state.reportBytes = try report.append(issues)
            state.offset = end.offset; state.line = end.line
            state.produced += messages.count; state.invalid += issues.count
            try state.save(for: path)
            messages.removeAll(keepingCapacity: true); issues.removeAll(keepingCapacity: true); batchEnd = nil
        }

        while let record = try source.next() {
            switch mapper.map(record) {
            case .event(let e):
                messages.append(OutgoingMessage(topic: options.topic, key: e.key.map { Array($0.utf8) }, value: e.data,
                                                headers: e.headers.map { KafkaHeader($0.0, $0.1) }))
            case .invalid(let id, let errors):
                issues.append(.init(line: record.line, id: id, errors: errors))
            }
            state.rows += 1; rowsThisRun += 1
            batchEnd = (record.endOffset, record.line)
            if messages.count + issues.count >= options.batchSize {
                try await flush()
                progress.update(offset: state.offset, rows: state.rows, rowsThisRun: rowsThisRun, invalid: state.invalid)
            }
        }
        try await flush()
        state.complete = true
        state.offset = max(state.offset, inputBytes)
        try state.save(for: path)
        progress.update(offset: state.offset, rows: state.rows, rowsThisRun: rowsThisRun, invalid: state.invalid, final: true)
        let elapsed = ContinuousClock.now - started
        return ImportSummary(rows: state.rows, produced: state.produced, invalid: state.invalid, resumedAfterLine: resumedAfter,
                             rowsThisRun: rowsThisRun,
                             seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                             reportPath: report.path)
    }

    private func startingCheckpoint(inputBytes: UInt64) throws -> ImportCheckpoint {
        let fresh = ImportCheckpoint(offset: 0, line: 0, rows: 0, produced: 0, invalid: 0, reportBytes: 0,
                                     inputBytes: inputBytes, format: options.format.rawValue, complete: false)
        guard !options.restart, let saved = try ImportCheckpoint.load(for: options.path) else { return fresh }
        guard saved.inputBytes == inputBytes else { throw ImportError.checkpointMismatch("the file's size changed") }
        guard saved.format == options.format.rawValue else { throw ImportError.checkpointMismatch("another format") }
        guard !saved.complete else { throw ImportError.alreadyComplete(options.path) }
        return saved
    }
}
