// How a department record about a registered member changes the household's profile.
// Durable facts (a diagnosis, a certificate, a death, a registration of property) apply
// whenever they arrive; a status that comes and goes (employment, schooling) applies only if
// it is not older than the members' last collection, so records arriving late do not undo news.
// Registrations of property are applied only to a household that authorised the verification
// of its finances (§4 preamble, annex 核查授权); `DepartmentComparison` notes the others.

enum DeptProfileUpdate {
    /// Applies `reading` to the member at `index`. Returns the field groups it changed.
    static func apply(_ reading: DeptRecordReading, memberAt index: Int,
                      to profile: inout HouseholdProfile) -> Set<ProfileFieldGroup> {
        let record = reading.record
        let before = profile
        if reading.needsVerificationAuthorization && !profile.verificationAuthorized { return [] }
        switch record.kind {
        case .seriousIllnessDiagnosis:
            profile.members[index].health = .seriousIllness
        case .disabilityCertificate:
            if let grade = reading.grade { profile.members[index].disabilityGrade = grade }
            if let kind = record.attributes["kind"] { profile.members[index].disabilityKind = kind }
            // A serious illness stays the health code: it is the more urgent need, and the grade keeps the disability.
            if profile.members[index].health != .seriousIllness { profile.members[index].health = .disabled }
        case .unemploymentRegistration: setOccupation(.unemployed, record, index, &profile)
        case .employmentRegistration: setOccupation(.employed, record, index, &profile)
        case .studentEnrollment: setOccupation(.student, record, index, &profile)
        case .death:
            profile.members.remove(at: index)
        case .vehicleRegistration:
            let vehicle = Vehicle(kind: record.attributes["kind"] ?? "car", plate: record.attributes["plate"],
                                  purchasedOn: record.occurredOn, priceFen: record.amountFen)
            let known = profile.assets.vehicles.contains { $0 == vehicle || (vehicle.plate != nil && $0.plate == vehicle.plate) }
            if !known { profile.assets.vehicles.append(vehicle) }
        case .propertyRegistration:
            let house = House(address: record.attributes["address"],
                              areaM2: Double(record.attributes["areaM2"] ?? "") ?? 0,
                              nature: record.attributes["nature"], source: record.attributes["source"],
                              acquiredOn: record.occurredOn)
            let known = profile.assets.houses.contains { $0 == house || (house.address != nil && $0.address == house.address) }
            if !known { profile.assets.houses.append(house) }
        case .businessRegistration:
            let business = Business(name: record.attributes["businessName"] ?? record.attributes["name"],
                                    registeredCapitalFen: record.amountFen)
            let known = profile.assets.business.contains { $0 == business || (business.name != nil && $0.name == business.name) }
            if !known { profile.assets.business.append(business) }
        case .monitoredHousehold:
            if let status = reading.ruralStatus { setRuralFlag(status, record, &profile) }
            if RuralStatus.formerRegisteredPoor(record.attributes), !profile.flags.contains(HouseholdFlag.formerRegisteredPoor.rawValue) {
                profile.flags.append(HouseholdFlag.formerRegisteredPoor.rawValue)
            }
        case .lowIncomeDesignation:
            setDesignation(reading, &profile)
        case .medicalExpense, .housingStatus, .disasterVictim, .unionHardship, .suddenEvent, .uncoveredHardship:
            break  // signals only: the classifier weighs them against the profile
        }
        let changed = Set(ProfileFieldGroup.allCases.filter { !$0.sameContent(before, profile) })
        let source = FieldGroupSource(collectedAt: record.occurredOn, source: record.recordId)
        for group in changed
        where !CollectionTime.isEarlier(record.occurredOn, than: FieldGroupMerge.source(of: group, in: before).collectedAt) {
            FieldGroupMerge.record(source, for: group, in: &profile)
        }
        return changed
    }

    private static func setOccupation(_ occupation: Occupation, _ record: DeptRecord, _ index: Int,
                                      _ profile: inout HouseholdProfile) {
        let held = FieldGroupMerge.source(of: .members, in: profile)
        guard !CollectionTime.isEarlierDay(record.occurredOn, than: held.collectedAt) else { return }
        profile.members[index].occupation = occupation
    }

    /// A household is either unstable after poverty or at risk, not both; a lifted risk clears both.
    /// (The classifier decides from the dated statuses themselves, whatever order they arrive in.)
    private static func setRuralFlag(_ status: RuralStatus, _ record: DeptRecord, _ profile: inout HouseholdProfile) {
        profile.flags.removeAll { RuralStatus.flags.contains($0) && $0 != status.flag }
        if let flag = status.flag, !profile.flags.contains(flag) { profile.flags.append(flag) }
    }

    /// §2.1.5: the latest designation by date (then record id, which the API makes sortable by time) stands;
    /// the flag `other_low_income` follows it.
    private static func setDesignation(_ reading: DeptRecordReading, _ profile: inout HouseholdProfile) {
        let record = reading.record
        let new = LowIncomeDesignation(designated: reading.designated, reason: record.attributes["reason"] ?? "",
                                       on: record.occurredOn, by: record.attributes["operator"], recordId: record.recordId)
        if let held = profile.designation, (held.on, held.recordId) > (new.on, new.recordId) { return }
        profile.designation = new
        let flag = HouseholdFlag.otherLowIncome.rawValue
        profile.flags.removeAll { $0 == flag }
        if new.designated { profile.flags.append(flag) }
    }
}
