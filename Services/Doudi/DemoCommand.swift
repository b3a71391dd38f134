import ArgumentParser
import Envelope
import Foundation
import Kafka

/// Feeds the demo service: keyed CloudEvents on `demo.input`.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Demo data for the no-op service.",
                                                    subcommands: [Feed.self])

    struct Feed: AsyncParsableCommand {
        @OptionGroup var broker: BrokerOptions
        @Option(help: "How many events.") var count = 1000
        @Option(help: "Distinct keys.") var keys = 50
        @Option(help: "Topic.") var topic = "demo.input"
        @Option(help: "Id prefix (ids are <prefix>-<n>, so a repeated feed is recognised as duplicates).") var prefix = "demo"

        func run() async throws {
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(broker.kafka))
            var sent = 0
            while sent < count {
                let n = min(5000, count - sent)
                try await producer.send((sent..<sent + n).map { i in
                    let e = CloudEvent(id: "\(prefix)-\(i)", source: "/doudi/demo-feed", type: "demo.input.v1",
                                       time: Timestamp.rfc3339(), subject: "k\(i % keys)", key: "k\(i % keys)",
                                       data: Array("{\"n\":\(i)}".utf8))
                    return OutgoingMessage(topic: topic, key: Array(e.key!.utf8), value: e.data,
                                           headers: e.headers.map { KafkaHeader($0.0, $0.1) })
                })
                sent += n
                print("demo: \(sent)/\(count) sent", terminator: "\r")
            }
            print("demo: \(count) events sent to \(topic)")
        }
    }
}
