import Envelope
import Foundation
import GRDB
import ServiceKit
import Store
import TestSupport
import XCTest

/// The store's page cache as a setting (`DOUDI_STORE_CACHE`, `EventProcessor.storeCacheBytes`):
/// a size with its unit, refused by name when unreadable, and what the writer connection uses.
final class StoreCacheSettingsTests: XCTestCase {
    func testSizesReadWithTheirUnitsAndNothingElse() {
        XCTAssertEqual(SettingParsers.byteSize("64MiB"), 64 << 20)
        XCTAssertEqual(SettingParsers.byteSize(" 512kib "), 512 << 10)
        XCTAssertEqual(SettingParsers.byteSize("1GiB"), 1 << 30)
        XCTAssertEqual(SettingParsers.byteSize("4096B"), 4096)
        XCTAssertEqual(SettingParsers.byteSize("2 MiB"), 2 << 20)
        for bad in ["64", "64MB", "MiB", "-1MiB", "1.5MiB", "64 M", "", "99999999999999999999GiB"] {
            XCTAssertNil(SettingParsers.byteSize(bad), bad)
        }
    }

    func testTheSettingIsReadOrRefusedByName() throws {
        let development = ["DOUDI_MODE": "development"]
        XCTAssertNil(try ServiceConfig(service: "noop", defaultHTTPPort: 0, environment: development).storeCache,
                     "unset: the service's own default")
        let set = try ServiceConfig(service: "noop", defaultHTTPPort: 0, environment: development.merging(["DOUDI_STORE_CACHE": "8MiB"]) { $1 })
        XCTAssertEqual(set.storeCache, 8 << 20)
        XCTAssertTrue(set.problems.isEmpty)
        for bad in ["lots", "64MB", "100KiB"] {
            let c = try ServiceConfig(service: "noop", defaultHTTPPort: 0, environment: development.merging(["DOUDI_STORE_CACHE": bad]) { $1 })
            XCTAssertNil(c.storeCache)
            XCTAssertTrue(c.problems.contains { $0.hasPrefix("DOUDI_STORE_CACHE=\(bad) ") }, "\(c.problems)")
        }
    }

    /// The writer's `cache_size` is the size asked for (negative: KiB); readers keep SQLite's own.
    func testTheWriterUsesTheCacheItWasOpenedWith() throws {
        let dir = temporaryDirectory("store-cache")
        for (name, bytes) in [("small", 2 << 20), ("default", ServiceStore.defaultWriterCacheBytes), ("large", ServiceStore.largeWriterCacheBytes)] {
            let store = try ServiceStore(path: "\(dir)/\(name).sqlite", sealer: try Sealer.fromEnvironment(["DOUDI_MODE": "development"]),
                                         cacheBytes: bytes)
            XCTAssertEqual(try store.pool.write { try Int.fetchOne($0, sql: "PRAGMA cache_size") }, -(bytes / 1024), name)
            try store.pool.close()
        }
        XCTAssertEqual(ServiceStore.defaultWriterCacheBytes, 16 << 20)
        XCTAssertEqual(ServiceStore.largeWriterCacheBytes, 64 << 20)
    }

    /// A processor's own size opens every task's store, unless `DOUDI_STORE_CACHE` says otherwise.
    func testTaskStoresOpenEveryTaskWithTheProcessorsCacheOrTheSetting() throws {
        for (setting, expected) in [(nil, 48 << 20), ("4MiB", 4 << 20)] as [(String?, Int)] {
            let dir = temporaryDirectory("store-cache-tasks")
            var env = ["DOUDI_MODE": "development", "DOUDI_DATA_DIR": dir, "DOUDI_TASKS": "3"]
            env["DOUDI_STORE_CACHE"] = setting
            let tasks = try TaskStores(config: try ServiceConfig(service: "cache-test", defaultHTTPPort: 0, environment: env),
                                       processor: LargeCacheProcessor())
            XCTAssertEqual(tasks.stores.count, 3)
            for store in tasks.stores {
                XCTAssertEqual(try store.pool.write { try Int.fetchOne($0, sql: "PRAGMA cache_size") }, -(expected / 1024), setting ?? "unset")
                try store.pool.close()
            }
        }
        XCTAssertEqual(NoCacheOpinion().storeCacheBytes, ServiceStore.defaultWriterCacheBytes, "the runtime's default")
    }
}

private struct LargeCacheProcessor: EventProcessor {
    let name = "cache-test"
    let inputTopics = ["cache-test.in"]
    var partitionedState: Bool { true }
    var storeCacheBytes: Int { 48 << 20 }
    func registerMigrations(_ migrator: inout DatabaseMigrator) {}
    func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent] { [] }
}

private struct NoCacheOpinion: EventProcessor {
    let name = "cache-test"
    let inputTopics = ["cache-test.in"]
    func registerMigrations(_ migrator: inout DatabaseMigrator) {}
    func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent] { [] }
}
