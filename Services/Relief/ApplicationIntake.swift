// Turning inputs into relief applications: `relief.application.v1` from township windows, and
// emergency needs of `referral.v1` from the router (facts `incidentKind`, `occurredOn`,
// `requestedFen`, `householdSize`, `urgent`, as the classifier raises them and the router passes them). Checks run here; a failure is a poison
// message whose reason names the field, never its value.
import DoudiDomain
import Envelope
import ServiceKit

struct IncomingApplication: Sendable {
    var application: ReliefApplication
    var personKey: String
    var referralId: String?
    var warningId: String?
}

struct ApplicationIntake {
    let keyer: PersonKeyer
    let settings: ReliefSettings

    /// A window's application: accepted where the emergency happened, whatever the registration.
    func application(_ app: ReliefApplication, eventDate: CivilDate) throws -> IncomingApplication {
        let app = try checked(app)
        guard HardshipReason(rawValue: app.incidentKind) != nil else {
            throw PoisonMessage("incidentKind is not a hardship code (\(HardshipReason.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let id: IdentityNumber
        switch IdentityNumber.parse(app.applicant.idNumber, asOf: eventDate) {
        case .success(let parsed): id = parsed
        case .failure(let problem): throw PoisonMessage("applicant.idNumber is not a valid identity number (\(problem))")
        }
        return IncomingApplication(application: app, personKey: keyer.key(for: id.value))
    }

    /// Each emergency need of a referral is an application. The need's person is keyed by their
    /// identity number when the referral carries one, else by its person key, else the household.
    func applications(from referral: Referral, eventDate: CivilDate) throws -> [IncomingApplication] {
        try referral.needs.enumerated().filter { $0.element.domain == .emergency }.map { index, need in
            let facts = need.facts
            // Without a requested amount the referral asks for the entitlement (the policy caps it).
            var requested = settings.standards.rules(for: referral.regionCode).perCaseCapFen
            if let text = facts["requestedFen"] {
                guard let fen = Int64(text) else { throw PoisonMessage("needs[\(index)].facts.requestedFen is not an integer") }
                requested = fen
            }
            let app = try checked(ReliefApplication(
                applicationId: "referral-\(referral.referralId)-\(index)", householdId: referral.householdId,
                applicant: ReliefApplicant(name: need.name ?? "", idNumber: need.idNumber ?? ""),
                incidentRegionCode: referral.regionCode, incidentKind: facts["incidentKind"] ?? "unspecified",
                description: need.reason, requestedFen: requested,
                urgent: facts["urgent"] == "true" || referral.level == .red,
                // The incident's own date when the classifier knows it, else the day of the referral.
                occurredOn: facts["occurredOn"].flatMap { CivilDate(iso: $0) }?.description
                    ?? CivilDate(iso: referral.sentAt)?.description ?? eventDate.description,
                householdSize: facts["householdSize"].flatMap { Int($0) }))
            var personKey = need.personKey ?? "household:\(referral.householdId)"
            if let number = need.idNumber, !number.isEmpty {
                guard case .success(let id) = IdentityNumber.parse(number, asOf: eventDate) else {
                    throw PoisonMessage("needs[\(index)].idNumber is not a valid identity number")
                }
                personKey = keyer.key(for: id.value)
            }
            return IncomingApplication(application: app, personKey: personKey, referralId: referral.referralId,
                                       warningId: referral.warningId)
        }
    }

    /// The application with its region code checked against the region directory (a retired
    /// county's code becomes its successor's where the data names one), or a poison message.
    private func checked(_ app: ReliefApplication) throws -> ReliefApplication {
        var app = app
        guard !app.applicationId.isEmpty else { throw PoisonMessage("applicationId is empty") }
        guard app.requestedFen >= 0 else { throw PoisonMessage("requestedFen is negative") }
        // The same rule as the intake form's (PersonName): no markup, symbols or direction controls.
        let name = TextNormalization.personName(app.applicant.name)
        if !name.isEmpty && !PersonName.isAcceptable(name) {
            throw PoisonMessage("applicant.name (invalid_name): a name may contain only letters, marks, spaces and the middle dot (·)")
        }
        if let size = app.householdSize, size < 0 { throw PoisonMessage("householdSize is negative") }
        guard case .success(let region) = RegionCode.parse(app.incidentRegionCode) else {
            throw PoisonMessage("incidentRegionCode is not a township or village division code")
        }
        switch RegionDirectory.standard.check(region) {
        case .current(let code): app.incidentRegionCode = code.value
        case .retired(let use, _): app.incidentRegionCode = use.value
        case .unknown(let level, _):
            throw PoisonMessage("incidentRegionCode: no such \(level.rawValue) in the region directory (unknown_region)")
        }
        guard CivilDate(iso: app.occurredOn) != nil else { throw PoisonMessage("occurredOn is not an ISO 8601 date") }
        return app
    }
}
