import DoudiDomain

/// The events of a synthetic population (`PopulationGenerator`): each household's submission,
/// its department records and its relief application, as a channel system, the departments and
/// a township window would publish them. Every event's time is the fact's own time (the
/// collection, the record's date, the incident), so the same seed is the same input — ids and
/// event-time clock included — on every run (`doudi seed`, the convergence tests).
public struct SeedEvents: Sendable {
    public let generator: PopulationGenerator
    public let keyer: PersonKeyer
    public let source: String

    public init(generator: PopulationGenerator, keyer: PersonKeyer, source: String = "/doudi/seed") {
        self.generator = generator; self.keyer = keyer; self.source = source
    }

    public struct Events: Sendable {
        public var submissions: [CloudEvent] = []
        public var records: [CloudEvent] = []
        public var relief: [CloudEvent] = []
        public var all: [(topic: ContractTopic, event: CloudEvent)] {
            submissions.map { (.intakeSubmissions, $0) } + records.map { (.deptRecords, $0) } + relief.map { (.reliefApplications, $0) }
        }
    }

    /// The events of households `range`.
    public func events(_ range: Range<Int>) throws -> Events {
        var out = Events()
        for i in range {
            let h = generator.household(i)
            out.submissions.append(try CloudEvent.make(
                id: h.submission.submissionId, source: source, type: EventType.intakeSubmission.rawValue,
                time: h.submission.collectedAt, subject: nil, key: keyer.key(for: h.submission.applicant.idNumber),
                causationID: nil, payload: h.submission))
            for r in h.records {
                out.records.append(try CloudEvent.make(
                    id: r.recordId, source: source, type: EventType.deptRecord.rawValue, time: r.occurredOn + "T09:00:00+08:00",
                    subject: nil, key: keyer.key(for: r.idNumber), causationID: nil, payload: r))
            }
            if let a = h.reliefApplication {
                out.relief.append(try CloudEvent.make(
                    id: a.applicationId, source: source, type: EventType.reliefApplication.rawValue,
                    time: a.occurredOn + "T10:00:00+08:00", subject: nil, key: keyer.key(for: a.applicant.idNumber),
                    causationID: nil, payload: a))
            }
        }
        return out
    }
}
