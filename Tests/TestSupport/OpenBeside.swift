import GRDB

/// A running service's SQLite store, opened by a test beside the service: the service may be
/// migrating or in the middle of a batch, so the connection waits for its lock instead of failing
/// with "database is locked".
public enum OpenBeside {
    public static func open(_ path: String, readonly: Bool = false) throws -> DatabaseQueue {
        var config = Configuration()
        config.readonly = readonly
        config.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: config)
    }
}
