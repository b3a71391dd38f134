import ArgumentParser
import DoudiDomain
import Envelope
import Foundation
import Kafka
import ServiceKit

/// `doudi clock tick`: publishes that a day has begun (`clock.tick.v1`) to every partition of
/// `clock.ticks` (docs/scaling.md, "Event time is per task"), which has as many partitions as the
/// registry and which the classifier, the router and basic living read. A service whose state is
/// split by partition (`DOUDI_TASKS`) runs a task's due checks (§3.4) when that task's event
/// clock enters a new day; the tick makes every task see the day begin, however quiet its
/// partitions. The bureau runs it once a day (or `--every 1h`, as compose does); the same day
/// ticked again is the same events (one id per day and partition), so repeating it is harmless.
struct ClockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clock", abstract: "The suite's clock: tell every partition that a day has begun.",
        subcommands: [Tick.self])

    struct Tick: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish clock.tick.v1 for a day (default: today in China Standard Time) to every partition of clock.ticks.")
        @OptionGroup var broker: BrokerOptions
        @Option(help: "The day begun, YYYY-MM-DD, not after today (default: today, China Standard Time). A replay of an old period ticks its own days.")
        var day: String?
        @Option(help: "Keep running and tick today's day again at this interval, e.g. 1h or 15m (default: tick once and exit).")
        var every: String?

        func validate() throws {
            if let day, CivilDate(iso: day) == nil || day.count != 10 { throw ValidationError("--day must be a date YYYY-MM-DD, got \(day)") }
            if let every, (SettingParsers.duration(every) ?? .zero) <= .zero { throw ValidationError("--every must be a duration such as 30s, 15m or 1h, got \(every)") }
            if day != nil && every != nil { throw ValidationError("--day and --every exclude each other: --every ticks today's day") }
            // A day not begun yet would move every clock past it for good: due checks, escalations
            // and a month's payroll ahead of time.
            if let day, let d = CivilDate(iso: day), let today = ClockTick.todayInChina(), d > today {
                throw ValidationError("--day \(day) is after today (\(today), China Standard Time): a day is ticked once it has begun")
            }
        }

        func run() async throws {
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(broker.kafka))
            let topic = Topics.name(.clockTicks)
            repeat {
                // Read again each time: partitions added to the topic are ticked from then on.
                let partitions = try await broker.admin().partitions(of: topic)
                guard !partitions.isEmpty else { throw ValidationError("topic \(topic) not found: create the topics first (doudi topics create)") }
                guard let date = day.flatMap({ CivilDate(iso: $0) }) ?? ClockTick.todayInChina() else { throw ValidationError("no day to tick") }
                try await producer.send(try ClockTicks.messages(day: date, topic: topic, partitions: partitions.map(\.partition)))
                // Unbuffered: a log file (compose, scripts/run) sees each tick as it is published.
                FileHandle.standardOutput.write(Data("clock: \(date) begun on \(partitions.count) partition(s) of \(topic)\n".utf8))
                if let every, let interval = SettingParsers.duration(every) { try await Task.sleep(for: interval) }
            } while every != nil
        }
    }
}
