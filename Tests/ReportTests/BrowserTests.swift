import Foundation
import SCSImaging
import TestSupport
import XCTest

/// The report in a real browser: Debian's headless Chromium loads each page; no script error,
/// no failed resource (a missing thumbnail or stylesheet), and a screenshot that is not blank.
/// Errors are caught by the hook every page loads first, which records them in
/// `<html data-js-errors>`; `--dump-dom` shows the DOM after the scripts ran.
final class BrowserTests: XCTestCase {
    func browser() throws -> String {
        guard let path = HeadlessChromium.browser else {
            throw XCTSkip("Chromium is not installed (apt-get install chromium): the real-browser check of the report is skipped")
        }
        return path
    }

    /// Errors the page reported: its hook's attribute, and the console's uncaught errors.
    func errors(of url: URL) throws -> [String] {
        let (dom, log) = try HeadlessChromium.dumpDOM(url)
        XCTAssertTrue(dom.contains("</html>") || dom.contains("</svg>"), "no DOM dumped for \(url.path): \(log.suffix(800))")
        var found: [String] = []
        if let r = dom.range(of: "data-js-errors=\"") { found.append(String(dom[r.upperBound...].prefix { $0 != "\"" })) }
        for line in log.split(separator: "\n") where line.contains("CONSOLE") && (line.contains("Uncaught") || line.contains("Error")) {
            found.append(String(line))
        }
        return found
    }

    func testTheErrorCheckCatchesAThrownErrorAndAMissingImage() throws {
        _ = try browser()
        let f = try ReportFixture.get()
        let out = try makeTemporaryDirectory("scs-report-browser").appendingPathComponent("report")
        XCTAssertEqual(try f.report(out: out).status, 0)
        let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        let hook = try XCTUnwrap(
            index.range(of: "<script>").flatMap { s in
                index.range(of: "</script>", range: s.lowerBound..<index.endIndex).map { index[s.lowerBound..<$0.upperBound] }
            })
        let broken = out.appendingPathComponent("broken.html")
        try "<!DOCTYPE html><html><head>\(hook)</head><body><p>x</p><script>notDefinedAnywhere();</script></body></html>"
            .write(to: broken, atomically: true, encoding: .utf8)
        XCTAssertTrue(try errors(of: broken).joined().contains("notDefinedAnywhere"), "a thrown error went unnoticed")
        let missing = out.appendingPathComponent("missing.html")
        try "<!DOCTYPE html><html><head>\(hook)</head><body><img src=\"nope.jpg\"></body></html>".write(
            to: missing, atomically: true, encoding: .utf8)
        XCTAssertFalse(try errors(of: missing).isEmpty, "a missing image went unnoticed")
    }

    func testTheReportLoadsCleanlyAndRenders() throws {
        _ = try browser()
        let f = try ReportFixture.get()
        let out = try makeTemporaryDirectory("scs-report-browser").appendingPathComponent("report")
        XCTAssertEqual(try f.report(out: out).status, 0)
        for page in ["index.html", "prompts/0001.html", "prompts/0002.html", "figures/figure2.svg", "figures/all-models.svg"] {
            XCTAssertEqual(try errors(of: out.appendingPathComponent(page)), [], page)
        }
        // Screenshots of the index and of a gallery: mostly white, but with real content.
        for page in ["index.html", "prompts/0002.html"] {
            let shot = out.deletingLastPathComponent().appendingPathComponent(page.replacingOccurrences(of: "/", with: "-") + ".png")
            try HeadlessChromium.screenshot(out.appendingPathComponent(page), to: shot)
            let image = try ImageDecoder.decode(fileAt: shot.path)
            XCTAssertEqual(image.width, 1366)
            var ink = 0, colours = Set<UInt32>()
            for i in stride(from: 0, to: image.pixels.count, by: 3) {
                let (r, g, b) = (image.pixels[i], image.pixels[i + 1], image.pixels[i + 2])
                if Int(r) + Int(g) + Int(b) < 600 { ink += 1 }
                if colours.count < 5000 { colours.insert(UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)) }
            }
            let share = Double(ink) / Double(image.width * image.height)
            XCTAssertGreaterThan(share, 0.01, "\(page): the screenshot is blank")
            XCTAssertGreaterThan(colours.count, page.hasPrefix("prompts") ? 500 : 20, "\(page): too few colours for photos and plots")
            print("screenshot \(page): \(shot.path), \(String(format: "%.1f", share * 100))% non-white")
        }
    }
}
