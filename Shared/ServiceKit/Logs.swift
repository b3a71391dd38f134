import Foundation
import Logging

/// Logging set-up: one line per event, `key=value` metadata, to standard error.
/// Services log ids, counts and codes, never identity numbers, names or phones.
public enum Logs {
    private static let once: Void = ()
    nonisolated(unsafe) private static var bootstrapped = false
    private static let lock = NSLock()

    public static func bootstrap(level: Logger.Level) {
        lock.lock(); defer { lock.unlock() }
        guard !bootstrapped else { return }
        bootstrapped = true
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
