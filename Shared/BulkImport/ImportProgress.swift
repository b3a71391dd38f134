import Foundation

/// A progress line on standard error: rows, rows/s, percentage and ETA by bytes of the file.
/// Redrawn in place on a terminal; one line every few seconds when stderr is a file or pipe.
struct ImportProgress {
    let totalBytes: UInt64
    let startOffset: UInt64
    let started = ContinuousClock.now
    private var lastDrawn = ContinuousClock.now - .seconds(60)
    private let interactive = isatty(2) != 0
    let enabled: Bool

    init(totalBytes: UInt64, startOffset: UInt64, enabled: Bool) {
        self.totalBytes = totalBytes; self.startOffset = startOffset; self.enabled = enabled
    }

    mutating func update(offset: UInt64, rows: Int, rowsThisRun: Int, invalid: Int, final: Bool = false) {
        guard enabled else { return }
        let now = ContinuousClock.now
        guard final || now - lastDrawn >= (interactive ? .milliseconds(250) : .seconds(5)) else { return }
        lastDrawn = now
        let elapsed = max(0.001, Double((now - started).components.seconds) + Double((now - started).components.attoseconds) / 1e18)
        let done = Double(offset) / Double(max(totalBytes, 1))
        let rate = Double(offset - min(offset, startOffset)) / elapsed
        let eta = rate > 0 ? Double(totalBytes - min(offset, totalBytes)) / rate : 0
        let width = 24
        let filled = Int(done * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let text = String(format: "[%@] %5.1f%%  %d rows (%d invalid)  %.0f rows/s  ETA %@",
                          bar, done * 100, rows, invalid, Double(rowsThisRun) / elapsed, Self.clock(eta))
        FileHandle.standardError.write(Data(((interactive ? "\r" : "") + text + (interactive && !final ? "" : "\n")).utf8))
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }
}
