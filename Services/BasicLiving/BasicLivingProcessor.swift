// doudi-basic-living's consumer (§4.1, §3.4): referrals on `referrals.basic-living` become cases
// (reviewed, confirmed, paid, ended) and the registry's facts change the amounts of the
// households it pays. Every input of the contract moves the event clock (a referral, a registry
// version, the bureau's `clock.tick.v1`); entering a new month runs the payroll.
// Decisions use the inputs' event time only, so a replay decides and pays the same.
import DoudiDomain
import Envelope
import GRDB
import ServiceKit
import Store

struct BasicLivingProcessor: EventProcessor {
    let rules: LivingRules

    var name: String { "basic-living" }
    var inputTopics: [String] { [Topics.referrals(.basicLiving), Topics.registryHouseholds, Topics.name(.clockTicks)] }
    /// Every registry version reads back its household and the points kept of it (`LivingStore.keep`).
    var storeCacheBytes: Int { ServiceStore.largeWriterCacheBytes }

    func registerMigrations(_ migrator: inout DatabaseMigrator) { LivingStore.register(&migrator) }

    func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent] {
        guard let day = CivilDate(iso: context.eventTime) else { throw PoisonMessage("event time is not an RFC 3339 time") }
        var household: LivingHousehold
        var outcomes: [Outcome] = []
        switch event.type {
        case EventType.referral.rawValue:
            var referral = try event.decode(Referral.self)
            // Names and identity numbers are not needed to decide or pay (payees are person keys):
            // they are not kept (data minimisation, EVENTS.md).
            referral.needs = referral.needs.map { var n = $0; n.name = nil; n.idNumber = nil; return n }
            guard referral.domain == .basicLiving else {
                throw PoisonMessage("referral for domain \(referral.domain.rawValue) on the basic-living topic")
            }
            guard !referral.referralId.isEmpty, !referral.householdId.isEmpty else { throw PoisonMessage("referral without ids") }
            household = try LivingStore.household(context.db, referral.householdId)
            outcomes = household.receive(referral, on: day, at: context.eventTime, rules: rules)
            // Facts that arrived before the case had lines apply to them as well (any order, same amounts).
            if household.cases.contains(where: { !$0.lines.isEmpty }) {
                outcomes += household.registry(try LivingStore.points(context.db, referral.householdId), rules: rules)
            }
        case EventType.registryHousehold.rawValue:
            let profile = try event.decode(HouseholdProfile.self)
            household = try LivingStore.household(context.db, profile.householdId)
            // Every household's income facts are kept (a referral may follow them); they change
            // the amounts of the households this service pays.
            if let point = RegistryPoint(profile) {
                guard FactTime(point.asOf) != nil else { throw PoisonMessage("profile without a fact time") }
                try LivingStore.keep(context.db, householdId: profile.householdId, point)
                outcomes = household.registry([point], rules: rules)
            }
        case EventType.clockTick.rawValue:
            _ = try ClockTicks.checked(event, in: context)
            household = LivingHousehold(cases: [])  // a day begun: only the clock moves (payroll months)
        default:
            return []  // a type outside the contract (a later version's): left alone, the clock unmoved
        }
        try LivingStore.save(context.db, household)
        try LivingStore.advance(context.db, to: context.eventTime)
        var events = try outcomes.map { try Self.outcomeEvent($0, source: context.source, time: context.eventTime, cause: event.id) }
        let touched = household.cases.filter { household.touched.contains($0.caseId) }
        events += try PayrollRun.afterClock(context.db, touched: touched, source: context.source)
        return events
    }

    /// The event id derives from the outcome id and everything the outcome says (one id, one
    /// content: consumers dead-letter an id seen again with other content), so the same decision
    /// published again by a replay or a rebuild is the same event.
    static func outcomeEvent(_ o: Outcome, source: String, time: String, cause: String?) throws -> OutgoingEvent {
        let content = String(decoding: try JSONCoding.encoder.encode(o), as: UTF8.self)
        return OutgoingEvent(topic: Topics.assistanceOutcomes,
                      event: try CloudEvent.make(id: EventID.derived(EventType.assistanceOutcome.rawValue, o.outcomeId, content), source: source,
                                                 type: EventType.assistanceOutcome.rawValue, time: time, subject: o.householdId,
                                                 key: o.householdId, causationID: cause, payload: o))
    }
}
