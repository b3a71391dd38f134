// A consumer's check of `clock.tick.v1` (docs/scaling.md, "Event time is per task"): a tick moves
// a service's event clock — due checks, escalations, the monthly payroll — so one that does not
// say what it is is refused before it moves anything. Its time must be its day's midnight (China
// Standard Time) and it must sit on the partition it names; its producer is checked before it
// reaches the service (ProducerAllowList: `/doudi/clock` only).
import DoudiDomain
import Envelope
import Kafka

public enum ClockTicks {
    /// The tick, or a dead letter naming what is wrong (no personal data: a tick carries none).
    public static func checked(_ event: CloudEvent, in context: ProcessingContext) throws -> ClockTick {
        let tick: ClockTick
        do { tick = try event.decode(ClockTick.self) } catch { throw PoisonMessage("clock.tick.v1 without a readable day and partition") }
        guard let day = CivilDate(iso: tick.day), tick.day.count == 10 else {
            throw PoisonMessage("clock.tick.v1 day \(tick.day.prefix(20)) is not a date YYYY-MM-DD")
        }
        guard event.time == ClockTick.time(of: day) else {
            throw PoisonMessage("clock.tick.v1 for \(day) with ce_time \(event.time.prefix(40)): a tick's time is its day's midnight, \(ClockTick.time(of: day))")
        }
        guard tick.partition == Int(context.message.partition) else {
            throw PoisonMessage("clock.tick.v1 for partition \(tick.partition) read from partition \(context.message.partition)")
        }
        return tick
    }

    /// The day begun, as messages: one `clock.tick.v1` for each of `partitions` of `topic` (the
    /// namespaced `clock.ticks`), addressed to its partition — what `doudi clock tick`, a
    /// repartition, the benchmark and the tests publish alike.
    public static func messages(day: CivilDate, topic: String, partitions: [Int32]) throws -> [OutgoingMessage] {
        try partitions.map { p in
            let event = try ClockTick.event(day: day, partition: Int(p))
            return OutgoingMessage(topic: topic, key: event.key.map { Array($0.utf8) }, value: event.data,
                                   headers: event.headers.map { KafkaHeader($0.0, $0.1) }, partition: p)
        }
    }
}
