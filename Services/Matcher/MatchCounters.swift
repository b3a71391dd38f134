// `doudi_matcher_notes_total{code=...}`: what the comparison saw without a signal (name
// mismatches, unregistered people, replays), counted for operators, never logged with names.
import DoudiDomain
import Foundation
import Prometheus

final class MatchCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var counters: [MatchNote.Code: Counter] = [:]

    /// Creates the counters in the service's registry so that /metrics shows them.
    func attach(to registry: PrometheusCollectorRegistry, service: String) {
        lock.lock(); defer { lock.unlock() }
        for code in MatchNote.Code.allCases {
            counters[code] = registry.makeCounter(name: "doudi_matcher_notes_total",
                                                  labels: [("service", service), ("code", code.rawValue)],
                                                  help: "Inputs the matcher noted without a signal, by reason.")
        }
    }

    func increment(_ code: MatchNote.Code) {
        lock.lock(); let counter = counters[code]; lock.unlock()
        counter?.increment()
    }
}
