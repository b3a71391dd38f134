// Typed reads of numbers, dates and the formats with their own rules.

extension ObjectReader {
    /// An exact whole number, or nil after reporting `wrong_type`, `not_integer` or `out_of_range`.
    private func wholeNumber(_ key: String, required: Bool) -> JSONNumber.IntegerReading? {
        guard let value = value(key, required: required) else { return nil }
        guard case .number(let number) = value else { report(.wrongType(expected: "integer"), at: key); return nil }
        let reading = number.integerReading
        if reading == .fraction { report(.notInteger, at: key); return nil }
        return reading
    }

    /// Money in fen: a non-negative integer up to `maxFen`.
    func amount(_ key: String, maxFen: Int64, required: Bool = false) -> Int64? {
        switch wholeNumber(key, required: required) {
        case .integer(let fen)?:
            if fen < 0 { report(.negativeAmount, at: key); return nil }
            if fen > maxFen { report(.amountTooLarge(maxFen: maxFen), at: key); return nil }
            return fen
        case .outOfRange(let negative)?:
            report(negative ? .negativeAmount : .amountTooLarge(maxFen: maxFen), at: key)
            return nil
        case .fraction?, nil:
            return nil
        }
    }

    func integer(_ key: String, in range: ClosedRange<Int>, required: Bool = false) -> Int? {
        guard let reading = wholeNumber(key, required: required) else { return nil }
        guard case .integer(let n) = reading, n >= range.lowerBound, n <= range.upperBound else {
            report(.outOfRange("\(range.lowerBound)–\(range.upperBound)"), at: key)
            return nil
        }
        return Int(n)
    }

    /// A decimal number in `(0, max]`.
    func positiveDecimal(_ key: String, max: Double, required: Bool) -> Double? {
        guard let value = value(key, required: required) else { return nil }
        guard case .number(let number) = value else { report(.wrongType(expected: "number"), at: key); return nil }
        guard let d = number.doubleValue, d > 0, d <= max else { report(.outOfRange("0–\(Int(max))"), at: key); return nil }
        return d
    }

    /// An ISO `YYYY-MM-DD` date (the date part of a timestamp is accepted) between 1900 and
    /// the as-of date (plus the tolerance).
    func date(_ key: String, required: Bool, asOf: CivilDate) -> CivilDate? {
        guard let raw = rawString(key, required: required) else { return nil }
        guard let date = CivilDate(iso: TextNormalization.identifier(raw)), date >= IntakeLimits.earliestDate else {
            report(.invalidDate, at: key); return nil
        }
        return notInFuture(date, key, asOf: asOf) ? date : nil
    }

    /// An RFC 3339 timestamp or a date; returns the normalised text and its civil date.
    func timestamp(_ key: String, required: Bool, asOf: CivilDate) -> (text: String, date: CivilDate)? {
        guard let raw = rawString(key, required: required) else { return nil }
        guard let stamp = Timestamp.parse(raw), stamp.date >= IntakeLimits.earliestDate else {
            report(.invalidTimestamp, at: key); return nil
        }
        return notInFuture(stamp.date, key, asOf: asOf) ? stamp : nil
    }

    private func notInFuture(_ date: CivilDate, _ key: String, asOf: CivilDate) -> Bool {
        guard date <= asOf.adding(days: IntakeLimits.futureToleranceDays) else { report(.dateInFuture, at: key); return false }
        return true
    }

    func identity(_ key: String, asOf: CivilDate) -> IdentityNumber? {
        guard let raw = rawString(key, required: true) else { return nil }
        if TextNormalization.identifier(raw).isEmpty { report(.required, at: key); return nil }
        switch IdentityNumber.parse(raw, asOf: asOf) {
        case .success(let identity): return identity
        case .failure(let problem): report(.identity(problem), at: key); return nil
        }
    }

    func region(_ key: String, required: Bool) -> RegionCode? {
        guard let raw = rawString(key, required: required) else { return nil }
        if TextNormalization.identifier(raw).isEmpty {
            if required { report(.required, at: key) }
            return nil
        }
        switch RegionCode.parse(raw) {
        case .failure(let problem): report(.region(problem), at: key); return nil
        case .success(let region):
            switch log.regions.check(region) {
            case .current(let code): return code
            case .retired(let use, let why): log.warn(.retiredRegion(why, directory: log.regions), at: path(of: key)); return use
            case .unknown(let level, let parent): report(.unknownRegion(level, parent: parent, directory: log.regions), at: key); return nil
            }
        }
    }

    func phone(_ key: String, required: Bool) -> String? {
        guard let raw = rawString(key, required: required) else { return nil }
        if TextNormalization.identifier(raw).isEmpty {
            if required { report(.required, at: key) }
            return nil
        }
        guard let phone = PhoneNumber.normalize(raw) else { report(.invalidPhone, at: key); return nil }
        return phone
    }

    /// A producer's id (submission, record): letters, digits and `. _ : -`, at most 128.
    func externalId(_ key: String, required: Bool) -> String? {
        guard let raw = rawString(key, required: required) else { return nil }
        let text = TextNormalization.identifier(raw)
        if text.isEmpty {
            if required { report(.required, at: key) }
            return nil
        }
        guard Self.isExternalId(text) else { report(.invalidIdentifier, at: key); return nil }
        return text
    }

    static func isExternalId(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= IntakeLimits.idLengthMax && text.utf8.allSatisfy { b in
            (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) || ".-_:".utf8.contains(b)
        }
    }

    /// A list of lower snake_case codes, de-duplicated in order.
    /// A list of codes of an enumeration, normalised and de-duplicated; an unknown code is an
    /// `unknown_value` that lists the allowed ones.
    func codes<E: CaseIterable & RawRepresentable>(_ key: String, as type: E.Type, maxCount: Int) -> [String]?
    where E.RawValue == String {
        guard let list = codeList(key, maxCount: maxCount) else { return nil }
        var known: [String] = []
        let elements = array(key, required: false, count: 0...maxCount) ?? []
        for code in list {
            if E(rawValue: code) != nil { known.append(code); continue }
            // Report at the first element that normalises to this code.
            let index = elements.firstIndex { e in
                if case .string(let raw) = e { return TextNormalization.identifier(raw).lowercased() == code }
                return false
            } ?? 0
            log.report(.unknownValue(allowed: E.allCases.map(\.rawValue)), at: "\(path(of: key))[\(index)]")
        }
        return known
    }

    func codeList(_ key: String, maxCount: Int) -> [String]? {
        guard let elements = array(key, required: false, count: 0...maxCount) else { return nil }
        var codes: [String] = []
        for (index, element) in elements.enumerated() {
            let elementPath = "\(path(of: key))[\(index)]"
            guard case .string(let raw) = element else { log.report(.wrongType(expected: "string"), at: elementPath); continue }
            let code = TextNormalization.identifier(raw).lowercased()
            guard Self.isCode(code) else { log.report(.invalidCode, at: elementPath); continue }
            if !codes.contains(code) { codes.append(code) }
        }
        return codes
    }

    static func isCode(_ text: String) -> Bool {
        guard let first = text.utf8.first, (97...122).contains(first), text.utf8.count <= IntakeLimits.codeLengthMax else { return false }
        return text.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == UInt8(ascii: "_") }
    }
}
