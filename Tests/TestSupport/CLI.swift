import Foundation

/// Runs the operator CLI and returns its exit status and combined output.
public func runCLI(_ arguments: [String]) throws -> (status: Int32, output: String) {
    try runDoudi(arguments + ["--brokers", TestBroker.address])
}

/// Runs the operator CLI as given (commands that talk HTTP take no broker option).
public func runDoudi(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = ServiceProcess.binary("doudi")
    p.arguments = arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
