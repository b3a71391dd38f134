import DoudiDomain
import Envelope
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Store

/// Every read of personal data (a household, an explanation, a case, a referral, a submission) is
/// recorded before it is answered: in the service's store (`runtime_access_log`) and on
/// `audit.access` (`audit.access.v1`), in one transaction. If the record cannot be written, the
/// data is not answered. `doudi audit` lists the records; they carry ids, never the data read.
public struct AccessAudit: Sendable {
    let writers: [StoreWriter]
    let service: String

    public init(writer: StoreWriter, service: String) { self.writers = [writer]; self.service = service }

    /// A service split into tasks records in the first task this replica owns (with checkpoints,
    /// a task it does not own is a stale copy: TaskCheckpoints).
    public init(writers: [StoreWriter], service: String) { self.writers = writers; self.service = service }

    var writer: StoreWriter { writers.first { $0.owned } ?? writers[0] }

    public enum Decision: String, Sendable { case granted, denied }

    /// The `Doudi-Purpose` request header: why the operator reads this (the CLI's `--purpose`).
    public static let purposeHeader = HTTPField.Name("Doudi-Purpose")!

    /// Records one access and returns its record.
    @discardableResult
    public func record(_ request: Request, _ context: DoudiRequestContext, resource: String, id: String,
                       regionCode: String?, decision: Decision = .granted) async throws -> AccessRecord {
        let credential = context.credential
        let purpose = Self.purpose(request.headers[Self.purposeHeader])
        let now = Timestamp.rfc3339()
        let record = AccessRecord(accessId: EventID.random(), service: service, actor: credential?.subject ?? "anonymous",
                                  role: credential?.role.rawValue ?? "none", resource: resource, resourceId: String(id.prefix(200)),
                                  regionCode: regionCode, purpose: purpose, decision: decision.rawValue, accessedAt: now)
        let event = try CloudEvent.make(id: record.accessId, source: "/doudi/\(service)", type: EventType.auditAccess.rawValue,
                                        time: now, subject: record.resourceId, key: record.actor, causationID: nil, payload: record)
        try await writer.write(counted: false) { db -> ((), [OutgoingEvent]) in
            try db.execute(sql: """
                INSERT INTO runtime_access_log(access_id, accessed_at, actor, role, resource, resource_id, region_code, purpose, decision)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [record.accessId, record.accessedAt, record.actor, record.role, record.resource, record.resourceId,
                                 record.regionCode, record.purpose, record.decision])
            return ((), [OutgoingEvent(topic: Topics.name(.auditAccess), event: event)])
        }
        return record
    }

    /// Records a read of something in `regionCode`: granted when the credential's regions cover it,
    /// else recorded as denied and answered 404 (an id outside the caller's scope is not revealed).
    public func recordScoped(_ request: Request, _ context: DoudiRequestContext, resource: String, id: String,
                             regionCode: String?) async throws {
        let covered = regionCode.map { context.credential?.covers(region: $0) ?? false } ?? (context.credential?.national ?? false)
        try await record(request, context, resource: resource, id: id, regionCode: regionCode, decision: covered ? .granted : .denied)
        guard covered else { throw HTTPError(.notFound, message: "no \(resource) with this id in your regions") }
    }

    static func purpose(_ header: String?) -> String {
        let text = (header ?? "").unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value)
            && !(0x202A...0x202E).contains($0.value) && !(0x2066...0x2069).contains($0.value) }
        let clean = String(String.UnicodeScalarView(text)).trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? "not stated" : String(clean.prefix(200))
    }
}
