// `doudi-matcher seed-synthetic PERSONS`: fills an empty store with the synthetic population
// (SyntheticRegistry) through the same writer the service uses, for benchmarks at scale.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import ServiceKit
import Store

enum SyntheticSeed {
    static func run(persons: Int, config: ServiceConfig) throws {
        let store = try ServiceStore(path: config.storePath, synchronousFull: false, cacheBytes: config.storeCache ?? ServiceStore.largeWriterCacheBytes,
                                     migrations: RegistrySchema.register)
        let keyer = PersonKeyer(secret: config.personKeySecret)
        let households = SyntheticRegistry.householdCount(persons: persons)
        let chunk = 20_000
        for start in stride(from: 0, to: households, by: chunk) {
            try store.pool.write { db in
                for h in start..<min(start + chunk, households) {
                    try RegistryWriter.seed(SyntheticRegistry.profile(household: h, persons: persons) { keyer.key(for: $0) }, db)
                }
            }
        }
        try store.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        print("seeded \(persons) persons in \(households) households into \(config.storePath)")
    }
}
