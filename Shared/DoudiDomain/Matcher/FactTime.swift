// When a fact became true, as the fact itself says: a collection's `collectedAt`, a department
// record's `occurredOn` (a date, read as midnight China Standard Time), a decision's `decidedAt`.
// The registry's history is ordered by fact time, never by arrival, so the same facts give the
// same history whatever order they arrive in (docs/architecture.md "Convergence").

public struct FactTime: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Milliseconds since the epoch: the order.
    public let ms: Int64
    /// The time as written (RFC 3339): its date is the day the fact belongs to.
    public let text: String

    /// An RFC 3339 time, or an ISO date (read as midnight China Standard Time, +08:00).
    public init?(_ text: String) {
        let written = text.utf8.count == 10 ? text + "T00:00:00+08:00" : text
        guard let instant = CollectionTime.instant(written) else { return nil }
        self.ms = instant.0 * 1000 + Int64(instant.1 / 1_000_000)
        self.text = written
    }

    public var date: CivilDate? { CivilDate(iso: text) }

    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(text) }
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let t = FactTime(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an RFC 3339 time: \(text.prefix(40))")
        }
        self = t
    }
    public var description: String { text }

    /// Instants first; the same instant written differently orders by text, so the order is total.
    public static func < (a: FactTime, b: FactTime) -> Bool { (a.ms, a.text) < (b.ms, b.text) }
}

/// Channels whose collections are verified (§2.2.2: declared information is verified before use):
/// a staff home visit, department data comparison and historical data. Self-declarations, hotline
/// and petition reports and grassroots reports are claims until a verified source confirms them.
public enum SourceTrust {
    public static func isVerified(_ channel: Channel) -> Bool {
        switch channel {
        case .homeVisit, .dataComparison, .historical: true
        case .selfDeclared, .hotlinePetition, .grassrootsReport: false
        }
    }
}
