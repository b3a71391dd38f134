import DoudiDomain

extension ClockTick {
    /// The tick of `day` for `partition` of `clock.ticks`, as `doudi clock tick` publishes
    /// it (source `/doudi/clock`, one id per day and partition).
    public static func event(day: CivilDate, partition: Int) throws -> CloudEvent {
        try CloudEvent.make(id: EventID.derived(idParts(day: day, partition: partition)), source: "/doudi/clock",
                            type: EventType.clockTick.rawValue, time: time(of: day), subject: nil, key: "clock-\(partition)",
                            causationID: nil, payload: ClockTick(day: day.description, partition: partition))
    }
}
