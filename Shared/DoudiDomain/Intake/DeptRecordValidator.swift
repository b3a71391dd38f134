// Validation and normalisation of `dept.record.v1`, the departments' data-comparison feed
// (§2.2.4, §3.3.3). The matcher dead-letters a rejected record with `deadLetterReason`.

public struct AcceptedDeptRecord: Sendable, Equatable {
    /// Normalised: identity number, region code and date in canonical form, texts trimmed.
    public let record: DeptRecord
    public let personKey: String
    public let birthDate: CivilDate
    public let gender: Gender
}

public enum DeptRecordValidation: Sendable, Equatable {
    case accepted(AcceptedDeptRecord)
    /// Field errors, all of them; `recordId` when it was readable.
    case rejected(recordId: String?, errors: [FieldError])
    case undecodable(reason: String)

    /// One line for the dead-letter `dlq_error` header: paths and codes, never values.
    public var deadLetterReason: String? {
        switch self {
        case .accepted: nil
        case .undecodable(let reason): reason
        case .rejected(_, let errors): "invalid dept.record.v1: " + errors.map { "\($0.field): \($0.code)" }.joined(separator: "; ")
        }
    }
}

public struct DeptRecordValidator: Sendable {
    public var limits: JSONLimits
    /// `regionCode` is checked against it: an unknown county or township rejects the record,
    /// a retired code is mapped to its successor where the data names one (docs/regions.md).
    public var regions: RegionDirectory

    public init(limits: JSONLimits = .standard, regions: RegionDirectory = .standard) {
        self.limits = limits; self.regions = regions
    }

    public func validate(_ bytes: [UInt8], asOf: CivilDate, personKey: (String) -> String) -> DeptRecordValidation {
        do {
            return validate(document: try JSONParser.parse(bytes, limits: limits), asOf: asOf, personKey: personKey)
        } catch {
            return .undecodable(reason: error.reason)
        }
    }

    public func validate(document: JSONValue, asOf: CivilDate, personKey: (String) -> String) -> DeptRecordValidation {
        guard case .object(let fields) = document else { return .undecodable(reason: "not a JSON object") }
        let log = IssueLog(regions: regions)
        let r = ObjectReader(fields: fields, path: "", log: log)
        let recordId = r.externalId("recordId", required: true)
        let department = r.code("department", as: Department.self, required: true)
        let kind = r.code("kind", as: DeptRecordKind.self, required: true)
        let identity = r.identity("idNumber", asOf: asOf)
        let name = r.personName("name", required: true)
        let region = r.region("regionCode", required: false)
        let occurredOn = r.date("occurredOn", required: true, asOf: asOf)
        let amount = r.amount("amountFen", maxFen: IntakeLimits.recordFenMax)
        let attributes = readAttributes(r.value("attributes", required: false), r)
        if let kind { checkAttributes(kind, department: department, attributes, r) }
        guard log.isEmpty, let recordId, let department, let kind, let identity, let name, let occurredOn else {
            return .rejected(recordId: recordId, errors: log.errors)
        }
        let record = DeptRecord(recordId: recordId, department: department, kind: kind, idNumber: identity.value,
                                name: name, regionCode: region?.value, occurredOn: occurredOn.description,
                                amountFen: amount, attributes: attributes)
        return .accepted(AcceptedDeptRecord(record: record, personKey: personKey(identity.value),
                                            birthDate: identity.birthDate, gender: identity.gender))
    }

    /// What the rules read from a record's attributes must be readable (the classifier would
    /// otherwise guess): a disaster's phase, a sudden event's kind, a designation's decision and
    /// reason, a hardship's description; designations and hardship findings come from civil affairs.
    private func checkAttributes(_ kind: DeptRecordKind, department: Department?, _ a: [String: String], _ r: ObjectReader) {
        func require(_ key: String) -> String? {
            guard let v = a[key], !v.isEmpty else { r.log.report(.required, at: "attributes.\(key)"); return nil }
            return v
        }
        func civilAffairs() {
            if let department, department != .civilAffairs {
                r.report(.unknownValue(allowed: [Department.civilAffairs.rawValue]), at: "department")
            }
        }
        switch kind {
        case .disasterVictim:
            if let phase = a["phase"], DisasterPhaseCode.normalised(phase) == nil {
                r.log.report(.unknownValue(allowed: DisasterPhaseCode.all), at: "attributes.phase")
            }
        case .suddenEvent:
            if let incident = require("incidentKind"), HardshipReason(rawValue: incident.lowercased())?.isSudden != true {
                r.log.report(.unknownValue(allowed: HardshipReason.suddenCodes), at: "attributes.incidentKind")
            }
        case .lowIncomeDesignation:
            civilAffairs()
            if let d = a["designated"], !DeptRecordReading.truthWords.contains(d.lowercased()) {
                r.log.report(.unknownValue(allowed: ["true", "false"]), at: "attributes.designated")
            }
            _ = require("reason")
        case .uncoveredHardship:
            civilAffairs()
            if a["status"]?.lowercased() != "resolved" { _ = require("hardship") }
        default:
            break
        }
    }

    /// String values; numbers and booleans are kept as their JSON text, nulls dropped.
    private func readAttributes(_ value: JSONValue?, _ r: ObjectReader) -> [String: String] {
        guard let value else { return [:] }
        guard case .object(let fields) = value else { r.report(.wrongType(expected: "object"), at: "attributes"); return [:] }
        guard fields.count <= IntakeLimits.attributesMax else {
            r.report(.tooManyItems(max: IntakeLimits.attributesMax), at: "attributes"); return [:]
        }
        var attributes: [String: String] = [:]
        for key in fields.keys.sorted() {
            let cleanKey = TextNormalization.identifier(key)
            guard !cleanKey.isEmpty, cleanKey.count <= IntakeLimits.codeLengthMax,
                  !TextNormalization.containsControlCharacters(cleanKey) else {
                r.report(.invalidCode, at: "attributes"); continue
            }
            let path = "attributes.\(cleanKey)"
            switch fields[key] {
            case .string(let s)?:
                let text = TextNormalization.freeText(s)
                if text.count > IntakeLimits.attributeValueLengthMax {
                    r.log.report(.tooLong(max: IntakeLimits.attributeValueLengthMax), at: path)
                } else if TextNormalization.containsControlCharacters(text) {
                    r.log.report(.invalidCharacters, at: path)
                } else {
                    attributes[cleanKey] = text
                }
            case .number(let n)?: attributes[cleanKey] = n.lexeme
            case .bool(let b)?: attributes[cleanKey] = String(b)
            case .null?, nil: break
            case .array?, .object?: r.log.report(.wrongType(expected: "string"), at: path)
            }
        }
        return attributes
    }
}
