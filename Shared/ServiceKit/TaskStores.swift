import Foundation
import GRDB
import Kafka
import Store

/// A service's state split by partition (docs/scaling.md, "Tasks on a shared data directory";
/// issue 17): task *t* of *T* holds the state of partition *p* of every input topic with
/// *p* mod *T* = *t*, in a SQLite file of its own. With `DOUDI_TASKS=1` (the default) the one task
/// is today's store, `<service>.sqlite`.
///
/// A replica applies only the partitions the consumer group assigned to it, each in its task's
/// transaction (its HTTP writes may reach any task, serialised with the owner's); when a partition moves to
/// another replica, its state is already there, in the task's file in the shared data directory,
/// with the offsets it applied (the new owner starts from them). Two replicas writing one task for
/// a moment (a paused owner that has not noticed it lost its partitions) is harmless: SQLite
/// serialises their transactions, every transaction reads the task's offsets afresh, and what one
/// applied the other finds applied (the applied-marker), so nothing is applied twice.
///
/// A task count above 1 needs inputs keyed alike (`EventProcessor.partitionedState`) and must be
/// the topics' partition count (checked at start: a replica is assigned whole partitions, so a
/// task of one partition is always wholly one replica's, and "read to its end" can be judged);
/// a data directory made for another count is refused: moving to another count is a rebuild.
public final class TaskStores: Sendable {
    /// Every task's store, by task number (all opened at start: HTTP reads see every household).
    public let stores: [ServiceStore]
    public var count: Int { stores.count }

    public init(config: ServiceConfig, partitioned: Bool, cacheBytes: Int = ServiceStore.defaultWriterCacheBytes,
                migrations: (inout DatabaseMigrator) -> Void) throws {
        let count = config.tasks
        if count > 1 && !partitioned {
            throw SettingsError(problems: ["DOUDI_TASKS=\(count): doudi-\(config.service)'s inputs are not keyed alike, so its state cannot be split by partition; run it with DOUDI_TASKS=1 (one task, which several replicas may share)"])
        }
        let paths = (0..<count).map { Self.path(dataDir: config.dataDir, service: config.service, task: $0, count: count) }
        let others = Self.otherLayouts(dataDir: config.dataDir, service: config.service, keeping: Set(paths))
        if !others.isEmpty {
            throw SettingsError(problems: ["DOUDI_TASKS=\(count), but \(config.dataDir) holds doudi-\(config.service)'s state split another way (\(others.sorted().joined(separator: ", "))): a task holds the partitions with its number modulo the count, so another count needs a rebuild from the topics (stop the service, `doudi backup`, remove those files, start it with a new consumer group or replay from the earliest offsets; docs/scaling.md)"])
        }
        // Temporary copies a killed replica left beside its stores (TaskCheckpoints): a full copy
        // of a store each, and only ever read by the process that made them.
        let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: config.dataDir)) ?? []).filter { name in
            paths.contains { path in
                let base = path.split(separator: "/").last.map(String.init) ?? path
                return name.hasPrefix(base + ".checkpoint-") || name.hasPrefix(base + ".restore-")
            }
        }
        for name in leftovers { unlink("\(config.dataDir)/\(name)") }
        var stores: [ServiceStore] = []
        for (task, path) in paths.enumerated() {
            let store: ServiceStore
            do { store = try ServiceStore(path: path, synchronousFull: config.synchronousFull, cacheBytes: cacheBytes, migrations: migrations) }
            catch let error as DatabaseError where FailureClass.of(error) == .fatal {
                throw RuntimeStop(reason: RuntimeFailure.storeDamaged(path: path, detail: RuntimeHealth.brief(error)).description)
            }
            if let found = try store.pool.write({ try TaskMarks.claim($0, task: task, count: count) }) {
                throw SettingsError(problems: ["\(path) was made as task \(found.task) of \(found.count), not task \(task) of \(count); it must not be renamed or copied between task counts"])
            }
            stores.append(store)
        }
        self.stores = stores
    }

    /// A processor's stores: split if its state is (`partitionedState`), each with the page cache
    /// `DOUDI_STORE_CACHE` gives or else the processor's own (`storeCacheBytes`).
    public convenience init(config: ServiceConfig, processor: any EventProcessor) throws {
        try self.init(config: config, partitioned: processor.partitionedState, cacheBytes: config.storeCache ?? processor.storeCacheBytes,
                      migrations: processor.registerMigrations)
    }

    /// One store as the only task (in-process tests, tools).
    public init(single store: ServiceStore) { stores = [store] }

    /// The task that holds a partition's state.
    public func task(of partition: Int32) -> Int { Int(partition) % stores.count }

    public func store(for partition: Int32) -> ServiceStore { stores[task(of: partition)] }

    /// The tasks some of `assignment`'s partitions belong to.
    public func owned(by assignment: Set<TopicPartition>) -> Set<Int> { Set(assignment.map { task(of: $0.partition) }) }

    /// `<service>.sqlite` for one task, `<service>.task-<t>-of-<T>.sqlite` for several.
    public static func path(dataDir: String, service: String, task: Int, count: Int) -> String {
        count == 1 ? "\(dataDir)/\(service).sqlite" : "\(dataDir)/\(service).task-\(task)-of-\(count).sqlite"
    }

    /// The task and task count a store file is for (`<service>.task-<t>-of-<T>.sqlite`); nil for a
    /// service's one store (`<service>.sqlite`), which holds every partition.
    public static func task(ofStoreFile path: String) -> (task: Int, count: Int)? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let range = name.range(of: ".task-"), name.hasSuffix(".sqlite") else { return nil }
        let parts = name[range.upperBound...].dropLast(".sqlite".count).components(separatedBy: "-of-")
        guard parts.count == 2, let t = Int(parts[0]), let n = Int(parts[1]), n > 1, (0..<n).contains(t) else { return nil }
        return (t, n)
    }

    /// Stores of the service in `dataDir` that belong to another task count.
    static func otherLayouts(dataDir: String, service: String, keeping: Set<String>) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dataDir)) ?? []
        return files.filter { name in
            (name == "\(service).sqlite" || (name.hasPrefix("\(service).task-") && name.hasSuffix(".sqlite")))
                && !keeping.contains("\(dataDir)/\(name)")
        }
    }

    /// Reads every task in turn (HTTP reads over all households); results in task order.
    public func readEach<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> [T] {
        var out: [T] = []
        for store in stores { out.append(try await store.pool.read(body)) }
        return out
    }
}
