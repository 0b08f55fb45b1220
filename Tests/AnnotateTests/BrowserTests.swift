import Foundation
import GRDB
@testable import SCSAnnotate
import TestSupport
import XCTest

/// An annotator in a real headless Chromium (driven over WebDriver by chromedriver) opens their
/// link, looks at an image full size, answers every prompt with clicks and keys, reloads
/// midway, and the answers land in the database. Skips when chromium or chromedriver is missing
/// (Debian: `apt-get install chromium chromium-driver`; scripts/setup.sh installs them).
final class BrowserTests: XCTestCase {
    func testAnnotatorAnswersEveryPromptWithClicksAndKeys() async throws {
        guard let found = WebDriver.locate() else {
            throw XCTSkip("chromium and chromedriver not found: install Debian's chromium and chromium-driver (scripts/setup.sh does)")
        }
        let prompts = ["a bowl of ramen", "a lighthouse at dusk", "a red fox in the snow", "an astronaut riding a horse"]
        let fixture = try StudyFixture.make(prompts: prompts, images: 20, size: 96)
        defer { fixture.remove() }
        let study = try fixture.create(imagesPerSide: 20, allowCantTell: true)
        let annotator = try study.0.invite(name: "browser")
        let server = try await RunningServer.start(study.0)
        let driver = try await WebDriver.start(driver: found.driver, browser: found.browser)
        let shots = FileManager.default.temporaryDirectory.appendingPathComponent("scs-annotate-screenshots")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        do {
            let link = "\(server.base)/a/\(annotator.token)"
            try await driver.navigate(link)
            _ = try await driver.waitForTitle { $0.hasPrefix("1 of 4") }

            // Everything fits one 1366 × 768 screen: both galleries, all 40 thumbnails loaded,
            // the question and buttons, no horizontal scrolling.
            try await waitUntil(driver, "return Array.from(document.querySelectorAll('.thumb img')).every(i => i.complete && i.naturalWidth > 0)")
            let layout =
                try await driver.script(
                    """
                    const form = document.getElementById('answer-form').getBoundingClientRect();
                    const thumbs = Array.from(document.querySelectorAll('.thumb')).map(t => t.getBoundingClientRect());
                    return { w: innerWidth, h: innerHeight, thumbs: thumbs.length, formTop: form.top, formBottom: form.bottom,
                             lowest: Math.max(...thumbs.map(r => r.bottom)), rightmost: Math.max(...thumbs.map(r => r.right)),
                             smallest: Math.min(...thumbs.map(r => r.width)), scrollW: document.documentElement.scrollWidth }
                    """) as? [String: Any] ?? [:]
            let number = { (key: String) in (layout[key] as? NSNumber)?.doubleValue ?? -1 }
            XCTAssertEqual(number("thumbs"), 40)
            XCTAssertLessThanOrEqual(number("formBottom"), number("h") + 0.5, "buttons visible without scrolling: \(layout)")
            XCTAssertLessThanOrEqual(number("lowest"), number("formTop") + 0.5, "galleries above the buttons: \(layout)")
            XCTAssertLessThanOrEqual(number("rightmost"), number("w"), "\(layout)")
            XCTAssertLessThanOrEqual(number("scrollW"), number("w"), "no horizontal scroll: \(layout)")
            XCTAssertGreaterThanOrEqual(number("smallest"), 80, "thumbnails big enough to judge: \(layout)")
            try await driver.screenshot(to: shots.appendingPathComponent("1-page.png"))

            // Full size on click; answer keys do nothing while it is open; Esc closes it.
            try await driver.click("#gallery-left .thumb")
            try await waitUntil(driver, "return !document.getElementById('viewer').hidden && document.querySelector('#viewer img').naturalWidth > 0")
            try await driver.screenshot(to: shots.appendingPathComponent("2-full-size.png"))
            try await driver.press("1")
            try await driver.press("\u{E00C}")  // Escape
            try await waitUntil(driver, "return document.getElementById('viewer').hidden")
            XCTAssertEqual(try fixture.storedAnswers().count, 0, "no answer while looking at an image")

            // Prompt 1 by click, 2 by arrow key, reload (resume), 3 by "0" (can't tell), 4 by click.
            try await driver.click("#choose-left")
            _ = try await driver.waitForTitle { $0.hasPrefix("2 of 4") }
            try await driver.press("\u{E014}")  // ArrowRight
            _ = try await driver.waitForTitle { $0.hasPrefix("3 of 4") }
            try await driver.navigate(link)
            _ = try await driver.waitForTitle { $0.hasPrefix("3 of 4") }
            try await driver.press("0")
            _ = try await driver.waitForTitle { $0.hasPrefix("4 of 4") }
            try await driver.screenshot(to: shots.appendingPathComponent("3-last-prompt.png"))
            try await driver.click("#choose-right")
            _ = try await driver.waitForTitle { $0.hasPrefix("Done") }
            try await driver.screenshot(to: shots.appendingPathComponent("4-done.png"))
            print("browser test screenshots: \(shots.path)")
        } catch {
            try? await driver.screenshot(to: shots.appendingPathComponent("failure.png"))
            await driver.quit()
            await server.stop()
            throw error
        }
        await driver.quit()
        await server.stop()

        let rows = try fixture.storedAnswers()
        XCTAssertEqual(rows.count, 4)
        let expected = ["left", "right", "cant_tell", "right"]
        for (row, choice) in zip(rows, expected) {
            XCTAssertEqual(row["choice"] as String, choice)
            let chosen: String? = row["chosen_model"]
            switch choice {
            case "left": XCTAssertEqual(chosen, row["left_model"] as String)
            case "right": XCTAssertEqual(chosen, row["right_model"] as String)
            default: XCTAssertNil(chosen)
            }
            XCTAssertLessThanOrEqual(row["shown_at"] as String, row["answered_at"] as String)
        }
        XCTAssertEqual(rows.map { $0["prompt_id"] as Int64 }, [1, 2, 3, 4], "answered in order, each once")
    }

    private func waitUntil(_ driver: WebDriver, _ script: String) async throws {
        if try await !driver.waitUntil(script) { XCTFail("timed out waiting for: \(script)") }
    }
}
