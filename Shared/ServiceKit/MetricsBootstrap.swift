import CoreMetrics
import Foundation
import Prometheus

/// Routes swift-metrics (`MetricsSystem`) to Prometheus, once per process, so that libraries that
/// record through it (Hummingbird's `MetricsMiddleware`: `hb_requests`, `hb_request_duration`,
/// `hb_request_errors`, per method, path and status) appear on `/metrics` beside the runtime's own.
public enum MetricsBootstrap {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var registry: PrometheusCollectorRegistry?

    /// Bootstraps `MetricsSystem` with a Prometheus registry (idempotent).
    public static func bootstrap() {
        lock.lock(); defer { lock.unlock() }
        guard registry == nil else { return }
        let shared = PrometheusCollectorRegistry()
        registry = shared
        var factory = PrometheusMetricsFactory(registry: shared)
        factory.defaultDurationHistogramBuckets = [.milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(100),
                                                   .milliseconds(500), .seconds(2), .seconds(10)]
        MetricsSystem.bootstrap(factory)
    }

    /// What has been recorded through `MetricsSystem`, in Prometheus text format.
    static func renderShared() -> [UInt8] {
        guard let registry = lock.withLock({ registry }) else { return [] }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
