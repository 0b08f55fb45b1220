import Foundation

/// Debian's Chromium, headless, for the browser tests of the report (ReportTests) and of the
/// annotation page (AnnotateTests): where it and its driver are, and one-shot runs that dump a
/// page's DOM after its scripts ran or take a screenshot. Interactive sessions: `WebDriver`.
public enum HeadlessChromium {
    /// The browser, or `nil` (the tests then skip).
    public static let browser = find(["chromium", "chromium-browser", "google-chrome"])
    /// chromedriver, or `nil`.
    public static let driver = find(["chromedriver"])

    /// The first executable of `names` on PATH, /usr/bin or /usr/lib/chromium (Debian keeps
    /// chromedriver's browser binary there).
    static func find(_ names: [String]) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/usr/lib/chromium"
        for dir in path.split(separator: ":") {
            for name in names where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") { return "\(dir)/\(name)" }
        }
        return nil
    }

    /// Runs the headless browser with `args` on `url`, at most 90 s, in a fresh profile; its
    /// stdout and stderr (the console, with `--enable-logging=stderr`).
    public static func run(_ args: [String], _ url: URL) throws -> (out: String, err: String) {
        guard let browser else { throw CocoaError(.executableNotLoadable) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        p.arguments =
            [
                "90", browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--user-data-dir=" + (try makeTemporaryDirectory("scs-chromium")).path,
                "--virtual-time-budget=3000", "--window-size=1366,900", "--enable-logging=stderr", "--v=0"
            ] + args + [url.absoluteString]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let errRead = BackgroundRead(err.fileHandleForReading)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: stdout, as: UTF8.self), String(decoding: errRead.wait(), as: UTF8.self))
    }

    /// The DOM after the page's scripts ran, and the browser's log.
    public static func dumpDOM(_ url: URL) throws -> (dom: String, log: String) {
        let (out, err) = try run(["--dump-dom"], url)
        return (out, err)
    }

    /// A 1366-pixel-wide screenshot of `url` written to `file`.
    public static func screenshot(_ url: URL, to file: URL) throws {
        _ = try run(["--screenshot=\(file.path)"], url)
    }
}
