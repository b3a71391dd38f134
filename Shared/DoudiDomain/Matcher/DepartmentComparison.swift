// Data comparison (§2.2.4, §3.3.3): department records matched to registered persons raise
// signals and update their household; people on hardship lists who are not registered become
// candidates for a home visit.

public enum DepartmentComparison {
    /// Compares one `dept.record.v1` whose identity number the service has turned into `personKey`.
    ///
    /// - The record is kept as a fact about the person, registered or not, so that a record that
    ///   arrives before the person's household changes nothing but when it is applied.
    /// - Registered person, same name: every household the person was ever listed in is folded
    ///   again (HouseholdTimeline applies the record at its date); its signal is emitted with the
    ///   household's new version.
    /// - A registration of property (vehicle, house, business) applies only to a household that has
    ///   authorised the verification of its finances at the record's date (§4): otherwise nothing is
    ///   applied and a `not_authorized` note is recorded.
    /// - Registered person, different name: no match; a `name_mismatch` note without the name.
    /// - Unregistered person on a hardship list (rural revitalization's monitored households,
    ///   disability grade 1–2, trade-union hardship, large medical expenses): `unregistered_candidate`
    ///   (signal id `sig-<recordId>-candidate`).
    /// - Other unregistered records: nothing but a `not_registered` note.
    public static func apply<R: RegistryReader>(record: DeptRecord, personKey: String, reader: R,
                                                settings: ComparisonSettings = .standard) throws(R.Failure) -> RegistryChange {
        var draft = RegistryDraft(reader: reader, settings: settings)
        let reading = DeptRecordReading(record: record, settings: settings)
        guard let fact = PersonRecord(personKey: personKey, record: record) else { return try draft.finish() }
        try draft.add(fact)
        guard let householdId = try draft.householdId(of: personKey), let profile = try draft.profile(householdId),
              let member = profile.members.first(where: { $0.personKey == personKey }) else {
            if reading.marksHardship {
                var attributes = reading.signalAttributes
                attributes["reason"] = record.kind.rawValue
                draft.signals = signals([.unregisteredCandidate], reading, personKey: personKey,
                                        householdId: nil, regionCode: record.regionCode, attributes: attributes)
                    .map { var s = $0; s.signalId += "-candidate"; return s }
            } else {
                draft.note(.notRegistered, record.recordId, personKey: personKey)
            }
            return try draft.finish()
        }
        if !sameName(record.name, member.name) {
            draft.note(.nameMismatch, record.recordId, householdId: householdId, personKey: personKey)
        } else if reading.signalKind == nil {
            draft.note(record.kind == .medicalExpense ? .belowThreshold : .noSignal, record.recordId,
                       householdId: householdId, personKey: personKey)
        }
        if reading.needsVerificationAuthorization && !profile.verificationAuthorized {
            draft.note(.notAuthorized, record.recordId, householdId: householdId, personKey: personKey)
        }
        return try draft.finish()
    }

    /// One signal per kind; a suffix tells them apart only when a record yields several.
    static func signals(_ kinds: [SignalKind], _ reading: DeptRecordReading, personKey: String, householdId: String?,
                        regionCode: String?, attributes: [String: String]) -> [Signal] {
        let record = reading.record
        return kinds.map { kind in
            Signal(signalId: "sig-" + record.recordId + (kinds.count > 1 ? "-" + kind.rawValue : ""), kind: kind,
                   householdId: householdId, personKey: personKey, regionCode: regionCode ?? record.regionCode,
                   department: record.department, recordKind: record.kind, recordId: record.recordId,
                   occurredOn: record.occurredOn, amountFen: record.amountFen, attributes: attributes)
        }
    }

    /// Names compare without surrounding white space (ASCII or full-width), which departments pad differently.
    static func sameName(_ a: String, _ b: String) -> Bool { trimmedName(a) == trimmedName(b) }

    private static func trimmedName(_ name: String) -> Substring {
        guard let first = name.firstIndex(where: { !$0.isWhitespace }),
              let last = name.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return name[first...last]
    }
}
