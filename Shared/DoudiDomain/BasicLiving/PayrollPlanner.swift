// The monthly payroll of basic-living assistance (按月发放): one `basic-living.payroll.v1` per
// payment line (a household's dibao, a person's tekun or single-person dibao) and month, with the
// amount. Its id is `pay-<line>-<YYYY-MM>` — from the case and the month, never from offsets or the
// wall clock — so a month is paid once whatever is replayed. A month is due once the event clock
// has reached it; the planner compares what the lines say each month is owed with what was
// published and returns the difference: a new month, a month whose amount a late fact changed
// (the same id, `revision` + 1), or a month no longer owed (`cancelled`, amount 0: an exit or a
// suspension dated before a month already published).

public enum PayrollStatus: String, Codable, Sendable, CaseIterable { case payable, cancelled }

/// `basic-living.payroll.v1`: no names or identity numbers (the payee is the household or the
/// person key; the bureau's payment system holds the accounts).
public struct PayrollEntry: Codable, Sendable, Equatable {
    public var payrollId: String
    public var month: PayrollMonth
    public var lineId: String
    public var caseId: String
    public var householdId: String
    public var personKey: String?
    public var regionCode: String
    /// The county (the first six digits of the region code): the payroll file is per county.
    public var countyCode: String
    public var program: String
    public var amountFen: Int64
    public var status: PayrollStatus
    /// 0 for the first publication; + 1 each time a later fact changes the month.
    public var revision: Int
    public var rule: String
    public var clause: String
    public var rulesVersion: String
    public var standardsVersion: String
    /// Why this amount (the amount step it comes from).
    public var reason: String

    public init(payrollId: String, month: PayrollMonth, lineId: String, caseId: String, householdId: String, personKey: String?,
                regionCode: String, countyCode: String, program: String, amountFen: Int64, status: PayrollStatus, revision: Int,
                rule: String, clause: String, rulesVersion: String, standardsVersion: String, reason: String) {
        self.payrollId = payrollId; self.month = month; self.lineId = lineId; self.caseId = caseId; self.householdId = householdId
        self.personKey = personKey; self.regionCode = regionCode; self.countyCode = countyCode; self.program = program
        self.amountFen = amountFen; self.status = status; self.revision = revision; self.rule = rule; self.clause = clause
        self.rulesVersion = rulesVersion; self.standardsVersion = standardsVersion; self.reason = reason
    }
}

/// What was published for one payroll id (the store keeps it).
public struct PublishedPayment: Codable, Sendable, Equatable {
    public var amountFen: Int64
    public var status: PayrollStatus
    public var revision: Int
    public init(amountFen: Int64, status: PayrollStatus, revision: Int) {
        self.amountFen = amountFen; self.status = status; self.revision = revision
    }
}

public enum PayrollPlanner {
    public static func payrollId(lineId: String, month: PayrollMonth) -> String { "pay-\(lineId)-\(month)" }

    /// The entries to publish for `line` so that every month up to `through` is as the line says.
    /// `published` holds what was published for the line's payroll ids.
    public static func plan(_ line: PaymentLine, through: PayrollMonth, published: [String: PublishedPayment]) -> [PayrollEntry] {
        guard line.startMonth <= through else { return [] }
        let last = min(through, line.endMonth ?? through)
        var months = line.startMonth <= last ? (line.startMonth.index...last.index).map(PayrollMonth.init(index:)) : []
        // Months published before and no longer in the line's span (an exit dated before them).
        if last.index + 1 <= through.index {
            months += (last.index + 1...through.index).map(PayrollMonth.init(index:))
                .filter { published[payrollId(lineId: line.lineId, month: $0)] != nil }
        }
        var out: [PayrollEntry] = []
        for month in months {
            let id = payrollId(lineId: line.lineId, month: month)
            let fen = line.amount(in: month)
            let before = published[id]
            let entry: (PayrollStatus, Int64)
            if fen > 0 {
                if let before, before.status == .payable, before.amountFen == fen { continue }
                entry = (.payable, fen)
            } else {
                guard let before, before.status == .payable else { continue }
                entry = (.cancelled, 0)
            }
            let step = line.steps.last { $0.from <= month }
            out.append(PayrollEntry(payrollId: id, month: month, lineId: line.lineId, caseId: line.caseId, householdId: line.householdId,
                                    personKey: line.personKey, regionCode: line.regionCode, countyCode: String(line.regionCode.prefix(6)),
                                    program: line.program, amountFen: entry.1, status: entry.0,
                                    revision: before.map { $0.revision + 1 } ?? 0, rule: line.rule, clause: line.clause,
                                    rulesVersion: line.rulesVersion, standardsVersion: line.standardsVersion,
                                    reason: entry.0 == .cancelled
                                        ? (line.endMonth.map { month > $0 ? "assistance ended after \($0)" : "" } ?? "")
                                            + (fen == 0 && (line.endMonth.map { month <= $0 } ?? true) ? "suspended: \(step?.reason ?? "")" : "")
                                        : step?.reason ?? ""))
        }
        return out
    }

    /// The payroll as a file is read (the latest revision of each id wins; cancelled months drop).
    public static func fold(_ entries: [PayrollEntry]) -> [PayrollEntry] {
        var latest: [String: PayrollEntry] = [:]
        for e in entries where (latest[e.payrollId]?.revision ?? -1) < e.revision { latest[e.payrollId] = e }
        return latest.values.filter { $0.status == .payable }.sorted { ($0.countyCode, $0.regionCode, $0.payrollId) < ($1.countyCode, $1.regionCode, $1.payrollId) }
    }
}
