import Prometheus

/// The Prometheus metrics every service exports on `/metrics`.
public final class ServiceMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    public let processed: Counter
    public let duplicates: Counter
    public let ignored: Counter
    public let deadLettered: Counter
    public let published: Counter
    public let outboxBacklog: Gauge
    public let consumerLag: Gauge
    public let batchSeconds: DurationHistogram
    public let quarantined: Counter
    public let batchRetries: Counter
    public let appliedIdsPruned: Counter
    public let offsetGapsCrossed: Counter

    public init(service: String) {
        let labels = [("service", service)]
        processed = registry.makeCounter(name: "doudi_events_processed_total", labels: labels,
                                         help: "Input events applied (state, outbox and marker committed).")
        duplicates = registry.makeCounter(name: "doudi_events_duplicate_total", labels: labels,
                                          help: "Re-delivered input events recognised as already applied.")
        ignored = registry.makeCounter(name: "doudi_events_ignored_total", labels: labels,
                                       help: "Input events of types the service has no use for, read past without applying them.")
        deadLettered = registry.makeCounter(name: "doudi_events_deadlettered_total", labels: labels,
                                            help: "Input events sent to the deadletter topic.")
        published = registry.makeCounter(name: "doudi_events_published_total", labels: labels,
                                         help: "Outbox events acknowledged by the broker.")
        outboxBacklog = registry.makeGauge(name: "doudi_outbox_backlog", labels: labels,
                                           help: "Events in the outbox not yet acknowledged by the broker.")
        consumerLag = registry.makeGauge(name: "doudi_consumer_lag", labels: labels,
                                         help: "Messages behind the high watermark on the assigned partitions.")
        quarantined = registry.makeCounter(name: "doudi_outbox_quarantined_total", labels: labels,
                                           help: "Outbox events no broker takes (too large, malformed), moved to the store's quarantine and dead-lettered.")
        batchRetries = registry.makeCounter(name: "doudi_batch_retries_total", labels: labels,
                                            help: "Failed attempts at applying a batch (each is retried).")
        appliedIdsPruned = registry.makeCounter(name: "doudi_applied_ids_pruned_total", labels: labels,
                                                help: "Applied-event ids forgotten past the replay horizon.")
        offsetGapsCrossed = registry.makeCounter(name: "doudi_offset_gaps_crossed_total", labels: labels,
                                                 help: "Gaps in a partition still there after reading it again (a compacted or truncated log).")
        batchSeconds = registry.makeDurationHistogram(
            name: "doudi_batch_duration_seconds", labels: labels,
            buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(100), .milliseconds(500), .seconds(2)],
            help: "Time to apply and commit one batch.")
    }

    public func render() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
