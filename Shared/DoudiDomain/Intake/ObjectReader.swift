// Reading a JSON object field by field while collecting every error, so a producer gets the
// whole list at once instead of fixing one field per round trip.

/// Field errors in document order, shared by all readers of one validation.
final class IssueLog {
    private(set) var errors: [FieldError] = []
    /// Accepted with a remark (a retired region code): shown to the sender, never a rejection.
    private(set) var warnings: [FieldError] = []
    /// Region codes are checked against this directory.
    let regions: RegionDirectory

    init(regions: RegionDirectory = .standard) { self.regions = regions }

    var isEmpty: Bool { errors.isEmpty }

    func report(_ issue: IntakeIssue, at path: String) { errors.append(issue.at(path)) }
    func warn(_ issue: IntakeIssue, at path: String) { warnings.append(issue.at(path)) }
}

/// One JSON object and its path (`members[2]`, `assets.houses[0]`). Every typed read returns
/// nil exactly when the value is absent, or when it is unusable and an error was reported.
struct ObjectReader {
    let fields: [String: JSONValue]
    let path: String
    let log: IssueLog

    func path(of key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func report(_ issue: IntakeIssue, at key: String) { log.report(issue, at: path(of: key)) }

    /// The value, or nil when absent or `null` (both mean "not given").
    func value(_ key: String, required: Bool) -> JSONValue? {
        switch fields[key] {
        case nil, .null?:
            if required { report(.required, at: key) }
            return nil
        case let value?:
            return value
        }
    }

    func object(_ key: String, required: Bool) -> ObjectReader? {
        guard let value = value(key, required: required) else { return nil }
        guard case .object(let fields) = value else { report(.wrongType(expected: "object"), at: key); return nil }
        return ObjectReader(fields: fields, path: path(of: key), log: log)
    }

    func array(_ key: String, required: Bool, count: ClosedRange<Int>) -> [JSONValue]? {
        guard let value = value(key, required: required) else { return nil }
        guard case .array(let elements) = value else { report(.wrongType(expected: "array"), at: key); return nil }
        if elements.count < count.lowerBound { report(.tooFewItems(min: count.lowerBound), at: key); return nil }
        // Elements beyond the bound are not read at all: hostile input stays cheap.
        if elements.count > count.upperBound { report(.tooManyItems(max: count.upperBound), at: key); return nil }
        return elements
    }

    /// The array's objects with their indexed paths; other elements are reported and skipped.
    func objects(_ key: String, required: Bool, count: ClosedRange<Int>) -> [ObjectReader]? {
        guard let elements = array(key, required: required, count: count) else { return nil }
        return elements.enumerated().compactMap { index, element in
            let elementPath = "\(path(of: key))[\(index)]"
            guard case .object(let fields) = element else {
                log.report(.wrongType(expected: "object"), at: elementPath)
                return nil
            }
            return ObjectReader(fields: fields, path: elementPath, log: log)
        }
    }

    /// A string value, before normalisation; reports `wrong_type` otherwise.
    func rawString(_ key: String, required: Bool) -> String? {
        guard let value = value(key, required: required) else { return nil }
        guard case .string(let s) = value else { report(.wrongType(expected: "string"), at: key); return nil }
        return s
    }

    /// A normalised, length-checked text; blank counts as absent.
    func text(_ key: String, required: Bool, maxLength: Int,
              normalize: (String) -> String = TextNormalization.freeText) -> String? {
        guard let raw = rawString(key, required: required) else { return nil }
        let text = normalize(raw)
        if text.isEmpty {
            if required { report(.required, at: key) }
            return nil
        }
        if TextNormalization.containsControlCharacters(text) { report(.invalidCharacters, at: key); return nil }
        if text.count > maxLength { report(.tooLong(max: maxLength), at: key); return nil }
        return text
    }

    /// A personal name: letters, marks, spaces and `·` only (PersonName), reported as `invalid_name`.
    func personName(_ key: String, required: Bool) -> String? {
        guard let name = text(key, required: required, maxLength: IntakeLimits.nameLengthMax,
                              normalize: TextNormalization.personName) else { return nil }
        guard PersonName.isAcceptable(name) else { report(.invalidName, at: key); return nil }
        return name
    }

    func bool(_ key: String, required: Bool) -> Bool? {
        guard let value = value(key, required: required) else { return nil }
        guard case .bool(let b) = value else { report(.wrongType(expected: "boolean"), at: key); return nil }
        return b
    }

    /// A code of an enumeration by its raw value; case and surrounding blanks are forgiven.
    func code<E: CaseIterable & RawRepresentable>(_ key: String, as type: E.Type, required: Bool) -> E?
    where E.RawValue == String {
        guard let raw = rawString(key, required: required) else { return nil }
        let text = TextNormalization.identifier(raw).lowercased()
        if text.isEmpty {
            if required { report(.required, at: key) }
            return nil
        }
        guard let value = E(rawValue: text) else {
            report(.unknownValue(allowed: E.allCases.map(\.rawValue)), at: key)
            return nil
        }
        return value
    }
}
