import Foundation

/// Runs the operator CLI and returns its exit status and combined output.
public func runCLI(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
    try runDoudi(arguments + ["--brokers", TestBroker.address], environment: environment)
}

/// Runs the operator CLI as given (commands that talk HTTP take no broker option).
public func runDoudi(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = ServiceProcess.binary("doudi")
    p.arguments = arguments
    if !extra.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new } }
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
