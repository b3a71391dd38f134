// A day passing, as a fact in the log (docs/scaling.md, "Event time is per task"). Due checks
// (§3.4: a referral unanswered past its deadline, a warning's own due day) run when a consumer's
// event clock enters a new day. With a service's state split by partition, each task's clock moves
// only with its own partitions' events, so a quiet partition would hold back its due checks; the
// bureau publishes one tick per day to every partition of `clock.ticks` (as many partitions as
// the registry), and every task sees the day begin. Ticks are facts: a replay sees the same days pass and decides the same.

/// `clock.tick.v1`: the day `day` has begun (its event time is the day's midnight, China Standard
/// Time), published to partition `partition` of the topic.
public struct ClockTick: Codable, Sendable, Equatable {
    public var day: String
    public var partition: Int

    public init(day: String, partition: Int) { self.day = day; self.partition = partition }

    /// The event time of the tick of `day`: its midnight in China Standard Time.
    public static func time(of day: CivilDate) -> String { "\(day.description)T00:00:00+08:00" }

    /// The tick's event id: one per day and partition, whoever publishes it and however often.
    public static func idParts(day: CivilDate, partition: Int) -> [String] { ["clock.tick", day.description, String(partition)] }
}
