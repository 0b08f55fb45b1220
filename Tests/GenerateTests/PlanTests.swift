import Foundation
import SCSGenerate
import TestSupport
import XCTest

/// Reading prompts and seeds, and what a plan refuses.
final class PlanTests: XCTestCase {
    var temp: URL!

    override func setUpWithError() throws { temp = try makeTemporaryDirectory("scs-plan") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: temp) }

    func write(_ text: String, _ name: String = "f.txt") throws -> String {
        let url = temp.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func testPromptsAreTakenExactlyAndBlankLinesSkipped() throws {
        let path = try write("\u{FEFF}first prompt\r\n\n  \nsecond,  with spaces  \nthird\n")
        let prompts = try GenerationPlan.readPrompts(at: path)
        XCTAssertEqual(prompts.map(\.text), ["first prompt", "second,  with spaces  ", "third"])
        XCTAssertEqual(prompts.map(\.line), [1, 4, 5])
        XCTAssertEqual(try GenerationPlan.readPrompts(at: path, limit: 2).map(\.text), ["first prompt", "second,  with spaces  "])
        XCTAssertThrowsError(try GenerationPlan.readPrompts(at: path, limit: 4))
        XCTAssertThrowsError(try GenerationPlan.readPrompts(at: try write("\n \n", "empty.txt")))
        XCTAssertThrowsError(try GenerationPlan.readPrompts(at: temp.appendingPathComponent("missing.txt").path))
    }

    func testThePapersSeeds() throws {
        let path = TestPaths.shared.appendingPathComponent("paper/resources/random_seeds.txt").path
        let seeds = try GenerationPlan.readSeeds(at: path, count: 20)
        XCTAssertEqual(seeds.count, 20)
        XCTAssertEqual(Array(seeds.prefix(3)), [892834, 318110, 724172])
        XCTAssertEqual(try GenerationPlan.readSeeds(at: path).count, 100)
    }

    func testBadSeedsNameTheirLine() throws {
        XCTAssertEqual(try? GenerationPlan.readSeeds(at: try write("1\n\n2\n")), [1, 2])
        for (text, line) in [("1\nx\n", 2), ("1\n-1\n", 2), ("1.5\n", 1), ("99999999999999999999\n", 1)] {
            let path = try write(text)
            XCTAssertThrowsError(try GenerationPlan.readSeeds(at: path)) { error in
                guard case let .badLine(p, l, _)? = error as? GenerateError else { return XCTFail("\(error)") }
                XCTAssertEqual(p, path)
                XCTAssertEqual(l, line)
            }
        }
        XCTAssertThrowsError(try GenerationPlan.readSeeds(at: try write("1\n2\n"), count: 3))
        XCTAssertEqual(try GenerationPlan.seeds(count: 3, base: 10), [10, 11, 12])
        XCTAssertThrowsError(try GenerationPlan(modelName: "m", prompts: [PromptRef(line: 1, text: "p")], seeds: [4, 5, 4]))
    }

    func testJobsGoPromptByPromptInSeedOrder() throws {
        let plan = try GenerationPlan(modelName: "m", prompts: [PromptRef(line: 1, text: "b's"), PromptRef(line: 2, text: "a")], seeds: [7, 3])
        XCTAssertEqual(plan.jobs.map { "\($0.folder)/\($0.seed)" }, ["b_s/7", "b_s/3", "a/7", "a/3"])
        XCTAssertEqual(plan.jobs[0].prompt, "b's")
    }
}
