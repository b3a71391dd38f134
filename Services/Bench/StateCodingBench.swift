// What the classifier pays per input to keep a household's history: decode the stored history and
// encode it again. Foundation's JSON (what the store held before) against StateCoding, on the
// histories HouseholdReplay makes of the classifier benchmark's synthetic population.
import DoudiDomain
import Envelope
import Foundation
import Store

/// Returns microseconds per decode + encode of one history: (JSON, StateCoding), the mean sizes,
/// and microseconds per encode alone: the tree encoder against the stream encoder StateCoding uses.
func stateCodingBench(households: Int = 2_000, rounds: Int = 5) throws
    -> (json: Double, binary: Double, jsonBytes: Int, binaryBytes: Int, treeEncode: Double, streamEncode: Double) {
    let histories = (0..<households).map { i -> HouseholdHistory in
        var p = syntheticHousehold(i)
        p.asOf = "2026-10-01T09:00:00+08:00"
        return HouseholdReplay.replay(p.householdId, inputs: [ClassifierInput(.profile(p), time: FactTime(p.asOf!)!)],
                                      standards: .defaults, clockDay: CivilDate(iso: "2026-12-30"))
    }
    let encoder = JSONCoding.encoder
    let jsonBlobs = try histories.map { try encoder.encode($0) }
    let binaryBlobs = try histories.map { try StateCoding.encode($0) }
    func time(_ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            try body()
            best = min(best, BenchSupport.seconds(.now - start))
        }
        return best * 1e6 / Double(households)
    }
    let json = try time {
        let decoder = JSONDecoder()
        for blob in jsonBlobs { _ = try encoder.encode(try decoder.decode(HouseholdHistory.self, from: blob)) }
    }
    let binary = try time {
        for blob in binaryBlobs { _ = try StateCoding.encode(try StateCoding.decode(HouseholdHistory.self, from: blob)) }
    }
    let tree = try time { for h in histories { _ = try StateCoding.encodeAsTree(h) } }
    let stream = try time { for h in histories { _ = try StateCoding.encode(h) } }
    return (json, binary, jsonBlobs.reduce(0) { $0 + $1.count } / households, binaryBlobs.reduce(0) { $0 + $1.count } / households,
            tree, stream)
}
