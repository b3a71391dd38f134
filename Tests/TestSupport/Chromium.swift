import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
/// the browser reads commands on fd 3 and answers on fd 4, each message JSON ended by a NUL),
/// so a test clicks, types and picks options in the real page as a person would, without a test
/// hook in the page and without a WebDriver install. Debian's `chromium` is all it needs.
public final class Chromium {
    public static let executable = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    private let pid: pid_t
    private let toBrowser: Int32
    private let fromBrowser: Int32
    private var buffer: [UInt8] = []
    private var nextId = 0
    private var sessionId: String?
    /// Events received so far (`Runtime.exceptionThrown`, `Log.entryAdded`, …).
    public private(set) var events: [[String: Any]] = []

    /// Starts the browser with a phone-sized viewport and opens one blank tab.
    public init(profile: String, width: Int = 390, height: Int = 844) throws {
        guard let executable = Self.executable else { throw Failure(description: "chromium not found (apt-get install chromium)") }
        var commands: [Int32] = [0, 0], answers: [Int32] = [0, 0]
        guard pipe(&commands) == 0, pipe(&answers) == 0 else { throw Failure(description: "pipe failed") }
        // The child's ends above any fd the dup2s write, so neither overwrites the other.
        let childIn = fcntl(commands[0], F_DUPFD_CLOEXEC, 100), childOut = fcntl(answers[1], F_DUPFD_CLOEXEC, 100)
        close(commands[0]); close(answers[1])
        for fd in [commands[1], answers[0]] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, childIn, 3)
        posix_spawn_file_actions_adddup2(&actions, childOut, 4)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let args = [executable, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--no-default-browser-check", "--disable-extensions", "--user-data-dir=\(profile)",
                    "--window-size=\(width),\(height)", "about:blank"]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, &argv, environ)
        close(childIn); close(childOut)
        guard rc == 0 else { throw Failure(description: "posix_spawn chromium: \(rc)") }
        self.pid = pid; toBrowser = commands[1]; fromBrowser = answers[0]

        let target = try send("Target.createTarget", ["url": "about:blank"], browser: true)
        let attached = try send("Target.attachToTarget", ["targetId": target["targetId"] as? String ?? "", "flatten": true], browser: true)
        sessionId = attached["sessionId"] as? String
        for method in ["Page.enable", "Runtime.enable", "Log.enable"] { _ = try send(method) }
        _ = try send("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": true])
        // Content-Security-Policy violations, recorded by the browser's own event (this script is
        // injected by the protocol, outside the page's policy).
        _ = try send("Page.addScriptToEvaluateOnNewDocument", ["source": """
            window.__violations = [];
            document.addEventListener("securitypolicyviolation", e => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
            """])
    }

    deinit {
        _ = try? send("Browser.close", browser: true, timeout: 5)
        close(toBrowser); close(fromBrowser)
        var status: Int32 = 0
        for _ in 0..<50 where waitpid(pid, &status, WNOHANG) == 0 { usleep(100_000) }
        if waitpid(pid, &status, WNOHANG) == 0 { kill(pid, SIGKILL); waitpid(pid, &status, 0) }
    }

    // MARK: Protocol

    @discardableResult
    public func send(_ method: String, _ params: [String: Any] = [:], browser: Bool = false, timeout: Double = 20) throws -> [String: Any] {
        nextId += 1
        var message: [String: Any] = ["id": nextId, "method": method, "params": params]
        if !browser, let sessionId { message["sessionId"] = sessionId }
        var bytes = Array(try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(toBrowser, $0.baseAddress, $0.count) }
            guard n > 0 else { throw Failure(description: "\(method): the browser closed its pipe") }
            written += n
        }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let m = try readMessage(until: deadline, for: method)
            if (m["id"] as? Int) == nextId {
                if let error = m["error"] as? [String: Any] { throw Failure(description: "\(method): \(error["message"] ?? error)") }
                return m["result"] as? [String: Any] ?? [:]
            }
            if m["method"] != nil { events.append(m) }
        }
    }

    private func readMessage(until deadline: Date, for method: String) throws -> [String: Any] {
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let data = Data(buffer[..<end])
                buffer.removeSubrange(...end)
                return (try JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw Failure(description: "\(method): no answer from the browser in time") }
            var fds = pollfd(fd: fromBrowser, events: Int16(POLLIN), revents: 0)
            guard poll(&fds, 1, Int32(min(left, 0.5) * 1000)) >= 0 else { continue }
            if fds.revents == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { read(fromBrowser, $0.baseAddress, $0.count) }
            guard n > 0 else { throw Failure(description: "\(method): the browser closed its pipe") }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    // MARK: What a person does

    public func open(_ url: String) throws {
        _ = try send("Page.navigate", ["url": url])
        try waitFor("document.readyState === 'complete'")
    }

    /// The value of a JavaScript expression (awaited when it is a promise).
    @discardableResult
    public func evaluate(_ expression: String) throws -> Any? {
        // A page that is navigating (a form submitted, a redirect followed) has no context to
        // evaluate in for a moment: ask again once the next document is there.
        let transient = ["navigated or closed", "Cannot find context", "context was destroyed"]
        var attempt = 0
        while true {
            do {
                let r = try send("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
                if let details = r["exceptionDetails"] as? [String: Any] {
                    throw Failure(description: "\(expression): \((details["exception"] as? [String: Any])?["description"] ?? details)")
                }
                return (r["result"] as? [String: Any])?["value"]
            } catch let f as Failure where attempt < 50 && transient.contains(where: f.description.contains) {
                attempt += 1
                usleep(100_000)
            }
        }
    }

    public func waitFor(_ condition: String, timeout: Double = 15) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try evaluate("Boolean(\(condition))") as? Bool) == true { return }
            usleep(50_000)
        }
        throw Failure(description: "timed out waiting for \(condition)")
    }

    private func quoted(_ s: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [s]), as: UTF8.self).dropFirst().dropLast().description
    }

    /// A real mouse click in the middle of the element.
    public func click(_ selector: String) throws {
        try waitFor("document.querySelector(\(quoted(selector)))")
        let box = try evaluate("""
            (() => { const e = document.querySelector(\(quoted(selector))); e.scrollIntoView({block: "center"});
                     const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()
            """) as? [Double] ?? []
        guard box.count == 2 else { throw Failure(description: "\(selector) has no box") }
        for type in ["mousePressed", "mouseReleased"] {
            _ = try send("Input.dispatchMouseEvent", ["type": type, "x": box[0], "y": box[1], "button": "left", "clickCount": 1])
        }
    }

    /// Focuses the field, types the text (as an input method would) and leaves the field.
    public func type(_ selector: String, _ text: String) throws {
        try click(selector)
        try evaluate("document.querySelector(\(quoted(selector))).select?.()")
        _ = try send("Input.insertText", ["text": text])
        try evaluate("document.activeElement.blur()")
    }

    /// Picks the option with this value once it is there (what a picker list does when tapped).
    public func select(_ selector: String, value: String) throws {
        try waitFor("document.querySelector(\(quoted(selector)))?.querySelector('option[value=\(quoted(value))]')")
        try evaluate("""
            (() => { const e = document.querySelector(\(quoted(selector))); e.focus(); e.value = \(quoted(value));
                     e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); })()
            """)
    }

    /// The whole page as PNG, at the phone width.
    public func screenshot(to path: String, width: Int = 390) throws {
        let height = try evaluate("document.documentElement.scrollHeight") as? Int ?? 844
        let shot = try send("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true,
                                                       "clip": ["x": 0, "y": 0, "width": width, "height": height, "scale": 1]])
        guard let base64 = shot["data"] as? String, let png = Data(base64Encoded: base64) else { throw Failure(description: "no screenshot") }
        try png.write(to: URL(fileURLWithPath: path))
    }

    /// Presses Tab (Shift-Tab with `backwards`), as a keyboard user moves between controls.
    public func pressTab(backwards: Bool = false) throws {
        for type in ["rawKeyDown", "keyUp"] {
            _ = try send("Input.dispatchKeyEvent", ["type": type, "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9,
                                                    "modifiers": backwards ? 8 : 0])
        }
    }

    /// Presses Enter on the focused element.
    public func pressEnter() throws {
        _ = try send("Input.dispatchKeyEvent", ["type": "rawKeyDown", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13])
        _ = try send("Input.dispatchKeyEvent", ["type": "char", "key": "Enter", "text": "\r"])
        _ = try send("Input.dispatchKeyEvent", ["type": "keyUp", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13])
    }

    /// Uncaught exceptions and console errors the page produced.
    public var pageErrors: [String] {
        events.compactMap { e in
            let params = e["params"] as? [String: Any] ?? [:]
            switch e["method"] as? String {
            case "Runtime.exceptionThrown": return "\((params["exceptionDetails"] as? [String: Any])?["text"] ?? params)"
            case "Log.entryAdded":
                // A 422 answer is logged as a failed load ("network"): that is the form working.
                let entry = params["entry"] as? [String: Any] ?? [:]
                return entry["level"] as? String == "error" && entry["source"] as? String != "network" ? "\(entry["text"] ?? entry)" : nil
            default: return nil
            }
        }
    }
}
