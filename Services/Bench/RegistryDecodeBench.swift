// What the router pays to read a registry version (`registry.household.v1`): Foundation's JSON
// decoding of the whole HouseholdProfile, as the router did, against HouseholdPeople, the
// tolerant reading of the household's people it needs — on the classifier benchmark's synthetic
// population, both in the same run.
import DoudiDomain
import Envelope
import Foundation

/// Microseconds per decode of one registry version: (whole profile, people only), and the mean size.
func registryDecodeBench(households: Int = 5_000, rounds: Int = 5) throws -> (profile: Double, people: Double, bytes: Int) {
    let blobs = try (0..<households).map { try JSONCoding.encoder.encode(syntheticHousehold($0)) }
    func time(_ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            try body()
            best = min(best, BenchSupport.seconds(.now - start))
        }
        return best * 1e6 / Double(households)
    }
    let decoder = JSONCoding.decoder
    let profile = try time { for b in blobs { _ = try decoder.decode(HouseholdProfile.self, from: b) } }
    let people = try time { for b in blobs { _ = try decoder.decode(HouseholdPeople.self, from: b) } }
    return (profile, people, blobs.reduce(0) { $0 + $1.count } / households)
}
