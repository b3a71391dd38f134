// Income, expenses and assets. The income block is required; within a block, and for the
// expense and asset blocks, an absent amount means zero, as on the paper form where an empty box
// is nothing declared; an invalid one is reported and the form rejected.

/// `safe | unsafe` of a rural house's dangerous-house appraisal.
enum HouseSafety: String, CaseIterable { case safe, unsafe }

extension SubmissionReader {
    func readIncome(_ r: ObjectReader) -> Income {
        let annual = { (key: String) in r.amount(key, maxFen: IntakeLimits.annualFenMax) ?? 0 }
        return Income(wagesFen: annual("wagesFen"), businessFen: annual("businessFen"), propertyFen: annual("propertyFen"),
                      transferFen: annual("transferFen"), otherFen: annual("otherFen"))
    }

    func readExpenses(_ r: ObjectReader?) -> Expenses {
        guard let r else { return Expenses() }
        let annual = { (key: String) in r.amount(key, maxFen: IntakeLimits.annualFenMax) ?? 0 }
        return Expenses(livingFen: annual("livingFen"), socialInsuranceFen: annual("socialInsuranceFen"),
                        employmentCostFen: annual("employmentCostFen"), medicalFen: annual("medicalFen"),
                        disabilityFen: annual("disabilityFen"), otherFen: annual("otherFen"))
    }

    func readAssets(_ r: ObjectReader?) -> Assets {
        guard let r else { return Assets() }
        let stock = { (key: String) in r.amount(key, maxFen: IntakeLimits.assetFenMax) ?? 0 }
        let deposits = stock("depositsFen"), securities = stock("securitiesFen"), funds = stock("fundsFen")
        let insurance = stock("commercialInsuranceFen"), claims = stock("claimsFen")
        let business = r.objects("business", required: false, count: 0...IntakeLimits.businessesMax)?.map(readBusiness) ?? []
        let houses = r.objects("houses", required: false, count: 0...IntakeLimits.housesMax)?.compactMap(readHouse) ?? []
        let vehicles = r.objects("vehicles", required: false, count: 0...IntakeLimits.vehiclesMax)?.compactMap(readVehicle) ?? []
        return Assets(depositsFen: deposits, securitiesFen: securities, fundsFen: funds, commercialInsuranceFen: insurance,
                      claimsFen: claims, business: business, houses: houses, vehicles: vehicles, otherFen: stock("otherFen"))
    }

    private func readBusiness(_ r: ObjectReader) -> Business {
        Business(name: r.text("name", required: false, maxLength: IntakeLimits.addressLengthMax),
                 registeredCapitalFen: r.amount("registeredCapitalFen", maxFen: IntakeLimits.assetFenMax),
                 annualRevenueFen: r.amount("annualRevenueFen", maxFen: IntakeLimits.annualFenMax))
    }

    private func readHouse(_ r: ObjectReader) -> House? {
        let address = r.text("address", required: false, maxLength: IntakeLimits.addressLengthMax)
        let area = r.positiveDecimal("areaM2", max: IntakeLimits.houseAreaM2Max, required: true)
        let nature = r.text("nature", required: false, maxLength: IntakeLimits.shortTextLengthMax)
        let source = r.text("source", required: false, maxLength: IntakeLimits.shortTextLengthMax)
        let acquiredOn = r.date("acquiredOn", required: false, asOf: asOf)
        let safety = r.code("safety", as: HouseSafety.self, required: false)
        guard let area else { return nil }
        return House(address: address, areaM2: area, nature: nature, source: source,
                     acquiredOn: acquiredOn?.description, safety: safety?.rawValue)
    }

    private func readVehicle(_ r: ObjectReader) -> Vehicle? {
        let owner = r.personName("owner", required: false)
        let kind = r.text("kind", required: true, maxLength: IntakeLimits.codeLengthMax) { TextNormalization.identifier($0).lowercased() }
        if let kind, !ObjectReader.isCode(kind) { r.report(.invalidCode, at: "kind") }
        // Plates are compared across departments: no blanks, dots or dashes, upper case.
        let plate = r.text("plate", required: false, maxLength: IntakeLimits.plateLengthMax) {
            String(TextNormalization.identifier($0).uppercased().filter { !" ·.-".contains($0) })
        }
        let purchasedOn = r.date("purchasedOn", required: false, asOf: asOf)
        let price = r.amount("priceFen", maxFen: IntakeLimits.assetFenMax)
        guard let kind else { return nil }
        return Vehicle(owner: owner, kind: kind, plate: plate, purchasedOn: purchasedOn?.description, priceFen: price)
    }
}
