import AsyncHTTPClient
import Foundation
import NIOCore
#if canImport(Glibc)
    import Glibc
#endif

/// Just enough of the W3C WebDriver protocol to drive chromedriver over HTTP: sessions,
/// navigation, elements, clicks, key actions, scripts and screenshots.
public final class WebDriver: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let base: String
    let process: Process
    public private(set) var session = ""

    /// Where the browser and its driver are (`HeadlessChromium`), or `nil` (the test then skips).
    public static func locate() -> (driver: String, browser: String)? {
        guard let driver = HeadlessChromium.driver, let browser = HeadlessChromium.browser else { return nil }
        return (driver, browser)
    }

    /// Starts chromedriver on a free loopback port and a headless browser session with a
    /// laptop-sized window.
    public static func start(driver: String, browser: String, width: Int = 1366, height: Int = 768) async throws -> WebDriver {
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: driver)
        process.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let wd = WebDriver(base: "http://127.0.0.1:\(port)", process: process)
        do {
            var ready = false
            for _ in 0..<100 where !ready {
                if let status = try? await wd.call("GET", "/status", timeout: 1), (status["ready"] as? Bool) == true {
                    ready = true
                } else {
                    try await Task.sleep(nanoseconds: 100_000_000)
                }
            }
            guard ready else { throw Failure(description: "chromedriver did not start") }
            // The Debian wrapper script /usr/bin/chromium sets flags; the binary behind it is what chromedriver wants.
            let binary = FileManager.default.isExecutableFile(atPath: "/usr/lib/chromium/chromium") ? "/usr/lib/chromium/chromium" : browser
            let value = try await wd.call(
                "POST", "/session",
                [
                    "capabilities": [
                        "alwaysMatch": [
                            "browserName": "chrome",
                            "goog:chromeOptions": [
                                "binary": binary,
                                "args": [
                                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                    "--window-size=\(width),\(height)", "--hide-scrollbars"
                                ]
                            ]
                        ]
                    ]
                ])
            guard let id = value["sessionId"] as? String else { throw Failure(description: "no session id in \(value)") }
            wd.session = id
            return wd
        } catch {
            process.terminate()
            throw error
        }
    }

    private init(base: String, process: Process) {
        self.base = base
        self.process = process
    }

    /// Ends the browser session and the driver. chromedriver may ignore SIGTERM, and
    /// Foundation's `waitUntilExit` spins forever on Linux if the child never exits, so: ask it
    /// to shut down, then SIGKILL it, and poll with a deadline.
    public func quit() async {
        if !session.isEmpty { _ = try? await call("DELETE", "/session/\(session)", timeout: 10) }
        _ = try? await callAny("GET", "/shutdown", timeout: 2)
        for attempt in 0..<50 where process.isRunning {
            if attempt == 10 { kill(process.processIdentifier, SIGKILL) }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
    }

    /// One WebDriver command; returns the `value` of the reply (an object when it is one).
    @discardableResult
    public func call(_ method: String, _ path: String, _ body: [String: Any]? = nil, timeout: Int64 = 60) async throws -> [String: Any] {
        let any = try await callAny(method, path, body, timeout: timeout)
        return any as? [String: Any] ?? ["value": any as Any]
    }

    /// (AsyncHTTPClient keeps retrying a refused connection until the deadline, so polling a
    /// driver that is still starting needs a short `timeout`.)
    public func callAny(_ method: String, _ path: String, _ body: [String: Any]? = nil, timeout: Int64 = 60) async throws -> Any? {
        var request = HTTPClientRequest(url: base + path)
        request.method = .init(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        } else if method == "POST" {
            request.body = .bytes(ByteBuffer(string: "{}"))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout))
        let data = Data(buffer: try await response.body.collect(upTo: 64 << 20))
        let json = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        let value = json?["value"]
        if response.status.code >= 400 {
            throw Failure(description: "\(method) \(path): \(response.status.code) \((value as? [String: Any])?["message"] ?? "")")
        }
        return value is NSNull ? nil : value
    }

    // MARK: Conveniences

    public func navigate(_ url: String) async throws { try await call("POST", "/session/\(session)/url", ["url": url]) }

    public func title() async throws -> String { try await callAny("GET", "/session/\(session)/title") as? String ?? "" }

    public func element(_ css: String) async throws -> String {
        let value = try await call("POST", "/session/\(session)/element", ["using": "css selector", "value": css])
        guard let id = value.first(where: { $0.key.hasPrefix("element-") })?.value as? String else {
            throw Failure(description: "no element \(css)")
        }
        return id
    }

    public func click(_ css: String) async throws {
        let id = try await element(css)
        try await call("POST", "/session/\(session)/element/\(id)/click")
    }

    /// Presses and releases one key (a character, or a WebDriver key code such as "\u{E012}").
    public func press(_ key: String) async throws {
        try await call(
            "POST", "/session/\(session)/actions",
            [
                "actions": [
                    [
                        "type": "key", "id": "keyboard",
                        "actions": [["type": "keyDown", "value": key], ["type": "keyUp", "value": key]]
                    ]
                ]
            ])
        try await call("DELETE", "/session/\(session)/actions")
    }

    public func script(_ source: String, _ args: [Any] = []) async throws -> Any? {
        try await callAny("POST", "/session/\(session)/execute/sync", ["script": source, "args": args])
    }

    public func screenshot(to url: URL) async throws {
        guard let base64 = try await callAny("GET", "/session/\(session)/screenshot") as? String,
            let data = Data(base64Encoded: base64)
        else { throw Failure(description: "no screenshot") }
        try data.write(to: url)
    }

    /// Waits until the page title satisfies `condition` (after a submit navigates).
    public func waitForTitle(timeout: Double = 10, _ condition: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = (try? await title()) ?? ""
            if condition(last) { return last }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw Failure(description: "title stayed \"\(last)\"")
    }

    /// Waits until `script` returns true (thumbnails loaded, a viewer opened or closed); false
    /// when `timeout` seconds passed first (the caller says what it waited for).
    public func waitUntil(_ script: String, timeout: Double = 10) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try await self.script(script) as? Bool) == true { return true }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        return false
    }

    /// A TCP port nobody listens on right now (bind to port 0, read it back, release it).
    public static func freePort() throws -> Int {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket() failed") }
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            guard bound == 0 else { throw Failure(description: "bind() failed") }
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            return Int(UInt16(bigEndian: address.sin_port))
        #else
            return 9515
        #endif
    }
}
