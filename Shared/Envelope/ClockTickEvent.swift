import DoudiDomain
import Foundation

extension ClockTick {
    /// The tick of `day` for `partition` of `clock.ticks`, as `doudi clock tick` publishes
    /// it (source `/doudi/clock`, one id per day and partition).
    public static func event(day: CivilDate, partition: Int) throws -> CloudEvent {
        try CloudEvent.make(id: EventID.derived(idParts(day: day, partition: partition)), source: "/doudi/clock",
                            type: EventType.clockTick.rawValue, time: time(of: day), subject: nil, key: "clock-\(partition)",
                            causationID: nil, payload: ClockTick(day: day.description, partition: partition))
    }

    /// Today's date in China Standard Time (UTC+8, no daylight saving): the day `doudi clock tick`
    /// ticks by default.
    public static func todayInChina(_ now: Date = Date()) -> CivilDate? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return c.year.flatMap { y in c.month.flatMap { m in c.day.flatMap { d in CivilDate(year: y, month: m, day: d) } } }
    }
}
