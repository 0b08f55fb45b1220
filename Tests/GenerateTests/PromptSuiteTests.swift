import Foundation
@testable import SCSGenerate
import XCTest

/// The built-in suites (counts as their authors publish them) and the prompts-file formats.
final class PromptSuiteTests: XCTestCase {
    func testPartiHas1632PromptsIn12CategoriesAnd11Challenges() throws {
        let parti = try BuiltInSuite.parti.load()
        XCTAssertEqual(parti.name, "parti")
        XCTAssertEqual(parti.prompts.count, 1632)
        XCTAssertEqual(parti.categories.count, 12)
        XCTAssertEqual(parti.challenges.count, 11)
        XCTAssertTrue(parti.prompts.allSatisfy { $0.category != nil && $0.challenge != nil })
        let perCategory = Dictionary(grouping: parti.prompts, by: { $0.category! }).mapValues(\.count)
        // PartiPrompts' own breakdown (the paper's Table 2 and the TSV).
        XCTAssertEqual(perCategory["Animals"], 314)
        XCTAssertEqual(perCategory["Indoor Scenes"], 40)
        XCTAssertEqual(perCategory["Food & Beverage"], 74)
        XCTAssertEqual(parti.prompts[0], PromptRef(line: 2, text: "bond", category: "Abstract", challenge: "Basic"))
        // Fields are split at tabs with no quoting: the quotes of a prompt are kept.
        XCTAssertTrue(parti.prompts.contains { $0.text.hasPrefix("\"G I G G L E\" painted") })
        // The whole suite can be generated: no two prompts share a folder.
        XCTAssertNoThrow(try GenerationPlan(modelName: "M", prompts: parti.prompts, seeds: [0]))
        XCTAssertEqual(BuiltInSuite.parti.licence, "Apache-2.0")
        XCTAssertTrue(BuiltInSuite.parti.licenceText.contains("Apache License"))
        XCTAssertTrue(BuiltInSuite.parti.sourceNote.contains("google-research/parti"))
    }

    func testGenEvalHas553PromptsTaggedBySkill() throws {
        let geneval = try BuiltInSuite.geneval.load()
        XCTAssertEqual(geneval.prompts.count, 553)
        let perTag = Dictionary(grouping: geneval.prompts, by: { $0.category! }).mapValues(\.count)
        XCTAssertEqual(
            perTag, ["single_object": 80, "two_object": 99, "counting": 80, "colors": 94, "position": 100, "color_attr": 100])
        XCTAssertEqual(geneval.prompts[0].text, "a photo of a bench")
        XCTAssertNoThrow(try GenerationPlan(modelName: "M", prompts: geneval.prompts, seeds: [0]))
        XCTAssertTrue(BuiltInSuite.geneval.licenceText.hasPrefix("MIT License"))
        XCTAssertTrue(BuiltInSuite.geneval.sourceNote.contains("djghosh13/geneval"))
    }

    func testThePapersHundredPromptsHaveNoCategories() throws {
        let paper = try BuiltInSuite.paper.load()
        XCTAssertEqual(paper.prompts.count, 100)
        XCTAssertEqual(paper.categories, [])
        XCTAssertEqual(paper.prompts[0].text, "a portrait painting of a cat wearing a tuxedo and top hat")
        XCTAssertThrowsError(try paper.select(categories: ["Animals"])) { error in
            XCTAssertEqual(error as? GenerateError, .unknownCategory("Animals", suite: "paper", known: []))
        }
    }

    func testLimitWithCategoriesIsPerCategoryInSuiteOrder() throws {
        let parti = try BuiltInSuite.parti.load()
        let chosen = try parti.select(categories: ["Animals", "vehicles"], limit: 5)
        XCTAssertEqual(chosen.prompts.count, 10)
        XCTAssertEqual(chosen.prompts.filter { $0.category == "Animals" }.count, 5)
        XCTAssertEqual(chosen.prompts.filter { $0.category == "Vehicles" }.count, 5)
        XCTAssertEqual(chosen.prompts.map(\.line), chosen.prompts.map(\.line).sorted())
        let firstAnimals = parti.prompts.filter { $0.category == "Animals" }.prefix(5)
        XCTAssertEqual(Array(firstAnimals), chosen.prompts.filter { $0.category == "Animals" })
        XCTAssertTrue(chosen.short.isEmpty)
        // A category smaller than the limit gives all it has, and says so.
        let indoor = try parti.select(categories: ["Indoor Scenes"], limit: 50)
        XCTAssertEqual(indoor.prompts.count, 40)
        XCTAssertEqual(indoor.short.map(\.category), ["Indoor Scenes"])
        XCTAssertEqual(indoor.short.map(\.available), [40])
        // Without categories the limit is in all.
        XCTAssertEqual(try parti.select(limit: 7).prompts.map(\.line), Array(2...8))
        XCTAssertThrowsError(try parti.select(categories: ["Dinosaurs"])) { error in
            guard case .unknownCategory("Dinosaurs", "parti", let known) = error as? GenerateError else { return XCTFail("\(error)") }
            XCTAssertEqual(known.count, 12)
        }
    }

    // MARK: Files someone brings

    func testTSVFileWithAHeaderInAnyOrder() throws {
        let path = try write("suite.tsv", "\u{FEFF}Category\tprompt\n\nPets\ta cat\r\nPets\ta dog\nCars\t a red car \n")
        let suite = try PromptSuite.read(path: path)
        XCTAssertNil(suite.name)
        XCTAssertEqual(
            suite.prompts,
            [
                PromptRef(line: 3, text: "a cat", category: "Pets"), PromptRef(line: 4, text: "a dog", category: "Pets"),
                PromptRef(line: 5, text: " a red car ", category: "Cars")
            ])
        XCTAssertEqual(suite.categories, ["Pets", "Cars"])
    }

    func testTSVErrorsNameFileAndLine() throws {
        let noPrompt = try write("a.tsv", "text\tcategory\nx\ty\n")
        XCTAssertThrowsError(try PromptSuite.read(path: noPrompt)) { error in
            guard case .badLine(noPrompt, 1, let reason) = error as? GenerateError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("no prompt column"), reason)
        }
        let short = try write("b.tsv", "prompt\tcategory\na cat\tPets\na dog\n")
        XCTAssertThrowsError(try PromptSuite.read(path: short)) { error in
            XCTAssertEqual(error as? GenerateError, .badLine(path: short, line: 3, reason: "1 tab-separated fields, the header has 2"))
        }
        let empty = try write("c.tsv", "prompt\tcategory\n\tPets\n")
        XCTAssertThrowsError(try PromptSuite.read(path: empty)) { error in
            XCTAssertEqual(error as? GenerateError, .badLine(path: empty, line: 2, reason: "the prompt is empty"))
        }
    }

    func testJSONLFileWithCategoryOrTag() throws {
        let path = try write(
            "suite.jsonl",
            """
            {"prompt": "a cat", "category": "Pets"}

            {"prompt": "two dogs", "tag": "counting", "include": [{"class": "dog", "count": 2}]}
            {"prompt": "a car", "category": null}

            """)
        let suite = try PromptSuite.read(path: path)
        XCTAssertEqual(
            suite.prompts,
            [
                PromptRef(line: 1, text: "a cat", category: "Pets"), PromptRef(line: 3, text: "two dogs", category: "counting"),
                PromptRef(line: 4, text: "a car")
            ])
    }

    func testJSONLErrorsNameFileAndLine() throws {
        for (body, line, reason) in [
            ("{\"prompt\": \"a\"}\n[1]\n", 2, "not a JSON object"),
            ("{\"text\": \"a\"}\n", 1, "no \"prompt\" field"),
            ("{\"prompt\": 3}\n", 1, "\"prompt\" must be a non-empty string, not an integer"),
            ("{\"prompt\": \"a\", \"category\": 4}\n", 1, "\"category\" must be a string, not an integer")
        ] {
            let path = try write("bad.jsonl", body)
            XCTAssertThrowsError(try PromptSuite.read(path: path)) { error in
                XCTAssertEqual(error as? GenerateError, .badLine(path: path, line: line, reason: reason), body)
            }
        }
    }

    func testPlainTextIsOnePromptPerLineWithoutCategories() throws {
        let path = try write("prompts.txt", "a cat\n\n  \na dog's bone\r\n")
        let suite = try PromptSuite.read(path: path)
        XCTAssertEqual(suite.prompts, [PromptRef(line: 1, text: "a cat"), PromptRef(line: 4, text: "a dog's bone")])
        XCTAssertEqual(suite.prompts, try GenerationPlan.readPrompts(at: path))
        XCTAssertThrowsError(try suite.select(limit: 3)) { error in
            XCTAssertEqual(error as? GenerateError, .setting(.pastFile(.limit, value: 3, path: path, available: 2)))
        }
    }

    func testManifestLinesCarrySuiteCategoryAndChallenge() throws {
        let prompts = try BuiltInSuite.parti.load().select(categories: ["Animals"], limit: 2).prompts
        var plan = try GenerationPlan(modelName: "M", prompts: prompts, seeds: [1, 2])
        plan.suite = "parti"
        XCTAssertEqual(plan.jobs.count, 4)
        XCTAssertTrue(plan.jobs.allSatisfy { $0.category == "Animals" && $0.challenge != nil })
        let run = try GenerationRun(
            plan: plan, backend: BackendConfiguration(kind: .a1111, url: URL(string: "http://127.0.0.1:1")),
            options: GenerationOptions(outputDirectory: FileManager.default.temporaryDirectory))
        let line = run.record(plan.jobs[0], path: "p", bytes: [1], image: nil, seconds: nil, retries: nil, info: [:], recovered: false)
        XCTAssertEqual(line["suite"], "parti")
        XCTAssertEqual(line["category"], "Animals")
        XCTAssertEqual(line["challenge"]?.stringValue, plan.jobs[0].challenge)
        // A prompts file without categories writes the lines as before.
        let plain = try GenerationRun(
            plan: try GenerationPlan(modelName: "M", prompts: [PromptRef(line: 1, text: "x")], seeds: [1]),
            backend: BackendConfiguration(kind: .a1111, url: URL(string: "http://127.0.0.1:1")),
            options: GenerationOptions(outputDirectory: FileManager.default.temporaryDirectory))
        let old = plain.record(plain.plan.jobs[0], path: "p", bytes: [1], image: nil, seconds: nil, retries: nil, info: [:], recovered: false)
        XCTAssertNil(old["suite"])
        XCTAssertNil(old["category"])
        XCTAssertNil(old["challenge"])
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("suite-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}
