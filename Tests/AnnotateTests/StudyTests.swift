import Foundation
import GRDB
@testable import SCSAnnotate
import SCSImaging
import SCSScoring
import TestSupport
import XCTest

/// Setting up a study, inviting, side assignment, storing, export and the agreement report,
/// below the HTTP layer.
final class StudyTests: XCTestCase {
    var fixture: StudyFixture!

    override func tearDown() { fixture?.remove() }

    /// `StudySetup.create` of a study named `name` in the fixture's folder must fail; `check` looks
    /// at the error.
    func assertCreationFails(
        _ name: String, config: StudyConfig, promptsFile: String? = nil, sidesFile: String? = nil,
        file: StaticString = #filePath, line: UInt = #line, _ check: (Error) -> Void
    ) {
        XCTAssertThrowsError(
            try StudySetup.create(
                at: fixture.root.appendingPathComponent(name).path, dataset: fixture.dataset.path, config: config,
                promptsFile: promptsFile, sidesFile: sidesFile), file: file, line: line, check)
    }
    func testInitRegistersCommonPromptsAndTheFirstImagesByName() throws {
        fixture = try StudyFixture.make(prompts: ["b prompt", "a prompt", "c prompt"], images: 5)
        // A prompt only one model has is not in the study.
        let extra = fixture.dataset.appendingPathComponent("SDXL/only sdxl")
        try FileManager.default.createDirectory(at: extra, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: fixture.dataset.appendingPathComponent("SDXL/a prompt/00.jpg"), to: extra.appendingPathComponent("00.jpg"))
        let (study, summary) = try fixture.create(imagesPerSide: 3)
        XCTAssertEqual(summary.prompts, 3)
        XCTAssertEqual(summary.images, 18)
        XCTAssertEqual(try study.prompts().map(\.text), ["a prompt", "b prompt", "c prompt"])
        let images = try study.images(promptID: 1)
        XCTAssertEqual(images.filter { $0.model == "SDXL" }.map { URL(fileURLWithPath: $0.path).lastPathComponent }, ["00.jpg", "01.jpg", "02.jpg"])
        XCTAssertTrue(try study.adminToken().count >= 43)
        XCTAssertThrowsError(try fixture.create()) { error in
            XCTAssertTrue("\(error)".contains("already exists"), "\(error)")
        }
    }

    func testPromptsFileOrderAndErrors() throws {
        fixture = try StudyFixture.make(prompts: ["a cat_s nap", "the moon", "a fox"], images: 2)
        let file = fixture.root.appendingPathComponent("prompts.txt")
        try "the moon\n\na cat's nap\nthe moon\n".write(to: file, atomically: true, encoding: .utf8)
        let (study, _) = try fixture.create(imagesPerSide: 2, promptsFile: file.path)
        XCTAssertEqual(try study.prompts().map(\.text), ["the moon", "a cat_s nap"], "file order, apostrophe as in folder names, no duplicates")

        let bad = fixture.root.appendingPathComponent("bad.txt")
        try "the moon\nnot drawn\n".write(to: bad, atomically: true, encoding: .utf8)
        assertCreationFails("b.db", config: StudyConfig(modelA: "SDXL", modelB: "pixart"), promptsFile: bad.path) {
            XCTAssertEqual($0 as? AnnotateError, .missingPrompt("not drawn", file: bad.path))
        }
        assertCreationFails("c.db", config: StudyConfig(modelA: "SDXL", modelB: "flux")) {
            XCTAssertEqual($0 as? AnnotateError, .unknownModel("flux", available: ["SDXL", "pixart"]))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("c.db").path))
    }

    func testSidesAreBalancedPerAnnotatorAndPerPromptAndRecorded() throws {
        fixture = try StudyFixture.make(prompts: (0..<11).map { "p\($0)" }, images: 1)
        let (study, _) = try fixture.create(imagesPerSide: 1)
        let people = try (0..<4).map { try study.invite(name: "n\($0)") }
        XCTAssertEqual(try study.invite(name: " n1 ").token, people[1].token, "inviting again gives the same link")
        XCTAssertEqual(Set(people.map(\.token)).count, 4)
        XCTAssertThrowsError(try study.invite(name: "a,b"))
        XCTAssertThrowsError(try study.invite(name: "  "))
        let rows = try study.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT annotator_id, prompt_id, left_model FROM assignment ORDER BY annotator_id, position")
        }
        XCTAssertEqual(rows.count, 44)
        var perAnnotator: [Int64: Int] = [:], perPrompt: [Int64: Int] = [:]
        for row in rows where (row["left_model"] as String) == "SDXL" {
            perAnnotator[row["annotator_id"], default: 0] += 1
            perPrompt[row["prompt_id"], default: 0] += 1
        }
        for person in people { XCTAssertTrue([5, 6].contains(perAnnotator[person.id] ?? 0), "annotator balanced: \(perAnnotator)") }
        for prompt in 1...11 { XCTAssertEqual(perPrompt[Int64(prompt)], 2, "each prompt shown both ways equally") }
    }

    func testFixedSidesFromAFileLikeThePapers() throws {
        fixture = try StudyFixture.make(prompts: ["p0", "p1", "p2"], images: 1)
        let file = fixture.root.appendingPathComponent("order.txt")
        try "pixart,SDXL\nSDXL,pixart\npixart,SDXL\nSDXL,pixart\n".write(to: file, atomically: true, encoding: .utf8)
        let (study, _) = try StudySetup.create(
            at: fixture.studyPath, dataset: fixture.dataset.path,
            config: StudyConfig(modelA: "SDXL", modelB: "pixart"), sidesFile: file.path)
        for name in ["a", "b", "c"] {
            let person = try study.invite(name: name)
            let lefts = try study.pool.read { db in
                try String.fetchAll(db, sql: "SELECT left_model FROM assignment WHERE annotator_id = ? ORDER BY position", arguments: [person.id])
            }
            XCTAssertEqual(lefts, ["pixart", "SDXL", "pixart"], "the file's order for everyone, extra lines ignored")
        }
        let bad = fixture.root.appendingPathComponent("bad.txt")
        try "pixart,SDXL\nSDXL,flux\npixart,SDXL\n".write(to: bad, atomically: true, encoding: .utf8)
        assertCreationFails("x.db", config: StudyConfig(modelA: "SDXL", modelB: "pixart"), sidesFile: bad.path) {
            XCTAssertTrue("\($0)".contains("bad.txt:2"), "\($0)")
        }
    }

    func testRecordIsIdempotentAndExportHasTheOriginalColumnsFirst() async throws {
        fixture = try StudyFixture.make(prompts: ["a, \"quoted\" prompt", "b"], images: 1)
        let (study, _) = try fixture.create(imagesPerSide: 1, allowCantTell: true)
        let alice = try study.invite(name: "alice")
        let trial = try await study.nextTrial(for: alice)
        XCTAssertEqual(trial?.number, 1)
        let outcome1 = try await study.record(annotator: alice, promptID: 1, choice: .right)
        let outcome2 = try await study.record(annotator: alice, promptID: 1, choice: .left)
        let outcome3 = try await study.record(annotator: alice, promptID: 2, choice: .cantTell)
        XCTAssertEqual([outcome1, outcome2, outcome3], [.stored, .duplicate, .stored])
        let next = try await study.nextTrial(for: alice)
        XCTAssertNil(next)
        let out = fixture.root.appendingPathComponent("answers.csv").path
        XCTAssertEqual(try Export.write(study: study, to: out), 2)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let rows = try CSV.parse(text, path: out)
        XCTAssertEqual(rows[0].prefix(3), ["annotator", "prompt", "chosen_model"])
        XCTAssertEqual(rows[1][0], "alice")
        XCTAssertEqual(rows[1][1], "a, \"quoted\" prompt")
        XCTAssertEqual(rows[1][3], "right")
        XCTAssertEqual(rows[1][2], rows[1][5], "chosen = the right-hand model")
        XCTAssertEqual(rows[2][2], "", "can't tell chooses no model")
        XCTAssertEqual(rows[2][3], "cant_tell")
    }

    /// Every image is decoded before it is registered: broken ones are named and the next
    /// readable ones taken, so annotators see the images `scs score` scored.
    func testInitRegistersOnlyReadableImagesAndNamesTheRest() throws {
        let work = try makeTemporaryDirectory("scs-messy-study")
        defer { MessyDataset.remove(work) }
        let data = try MessyDataset.make(in: work)
        let base = URL(fileURLWithPath: data.path).standardizedFileURL.path
        let (study, summary) = try StudySetup.create(
            at: work.appendingPathComponent("study.db").path, dataset: data.path,
            config: StudyConfig(modelA: "SDXL", modelB: "pixart", imagesPerSide: 2))
        let prompts = try study.prompts()
        XCTAssertEqual(prompts.map(\.text), ["a cat", "a dog"], "the symlinked prompt folder is in; the others are named")
        let cats = try study.images(promptID: prompts[0].id).filter { $0.model == "SDXL" }
        XCTAssertEqual(
            cats.map { URL(fileURLWithPath: $0.path).lastPathComponent }, Array(MessyDataset.goodCats.prefix(2)),
            "the four broken files sort first and are passed over")
        for prompt in prompts {
            for image in try study.images(promptID: prompt.id) { XCTAssertNoThrow(try ImageDecoder.decode(fileAt: image.path), image.path) }
        }
        XCTAssertEqual(summary.images, 8)
        XCTAssertEqual(summary.shortGroups, [])
        XCTAssertEqual(summary.unreadableImages.count, MessyDataset.brokenImages.count, "\(summary.unreadableImages)")
        for (file, reason) in MessyDataset.brokenImages {
            XCTAssertTrue(
                summary.unreadableImages.contains { $0.hasPrefix("\(base)/SDXL/a cat/\(file): ") && $0.contains(reason) },
                "\(file) in \(summary.unreadableImages)")
        }
        for line in [
            "\(base)/SDXL/loop: a symlink loop", "\(base)/SDXL/self: a symlink loop", "\(base)/SDXL/caf\\xE9: the name is not valid UTF-8",
            "\(base)/SDXL/a cat/pipe.png: a FIFO, not a file", "\(base)/SDXL/a cat/gone.jpg: a broken symlink"
        ] {
            XCTAssertTrue(summary.listingExclusions.contains { $0.hasPrefix(line) }, "\(line) in \(summary.listingExclusions)")
        }
        XCTAssertTrue(summary.listingExclusions.contains("\(base)/again: a symlink loop"), "\(summary.listingExclusions)")
        XCTAssertEqual(summary.listingExclusions.count, 6, "\(summary.listingExclusions)")

        // Asking for more than a model has readable: short, with every readable one shown.
        let (more, short) = try StudySetup.create(
            at: work.appendingPathComponent("more.db").path, dataset: data.path,
            config: StudyConfig(modelA: "SDXL", modelB: "linked", imagesPerSide: 4))
        XCTAssertEqual(short.shortGroups, ["SDXL/a cat", "linked/a cat", "SDXL/a dog", "linked/a dog"])
        XCTAssertEqual(try more.images(promptID: try more.prompts()[0].id).filter { $0.model == "SDXL" }.count, MessyDataset.goodCats.count)
    }

    func testAPromptWithoutAReadableImageIsLeftOutOrRefused() throws {
        fixture = try StudyFixture.make(prompts: ["p1", "p2"], images: 2)
        for i in 0..<2 { try Data("broken".utf8).write(to: fixture.dataset.appendingPathComponent(String(format: "SDXL/p2/%02d.jpg", i))) }
        let (study, summary) = try fixture.create(imagesPerSide: 2)
        XCTAssertEqual(try study.prompts().map(\.text), ["p1"])
        XCTAssertEqual(summary.promptsWithoutImages, ["p2"])
        XCTAssertEqual(summary.unreadableImages.count, 2)
        let file = fixture.root.appendingPathComponent("prompts.txt")
        try "p1\np2\n".write(to: file, atomically: true, encoding: .utf8)
        assertCreationFails("b.db", config: StudyConfig(modelA: "SDXL", modelB: "pixart"), promptsFile: file.path) {
            XCTAssertTrue("\($0)".contains("prompt \"p2\" has no readable image of SDXL"), "\($0)")
        }
    }

    func testUnreadablePromptsFilesSayWhyInWords() throws {
        fixture = try StudyFixture.make(prompts: ["p"], images: 1)
        let config = StudyConfig(modelA: "SDXL", modelB: "pixart", imagesPerSide: 1)
        let missing = fixture.root.appendingPathComponent("none.txt").path
        assertCreationFails("a.db", config: config, promptsFile: missing) {
            XCTAssertEqual("\($0)", "\(missing): cannot read the prompts file: no such file or folder")
        }
        let latin1 = fixture.root.appendingPathComponent("latin1.txt")
        try Data([0x63, 0x61, 0x66, 0xE9, 0x0A]).write(to: latin1)
        assertCreationFails("b.db", config: config, promptsFile: latin1.path) {
            XCTAssertEqual("\($0)", "\(latin1.path): cannot read the prompts file: not UTF-8 text")
        }
    }

    /// Cells a spreadsheet would run as a formula get a leading `'` in the CSV; the database,
    /// the agreement and the 2AFC JSON keep the exact text.
    func testExportedCSVIsSpreadsheetSafeAndTheRestStaysExact() async throws {
        let prompts = ["=1+1", "+1", "-2", "@SUM(A1)", "\tTab", "\rCR", "plain = fine"]
        let modelA = "-SDXL", modelB = "@pixart"
        fixture = try StudyFixture.make(models: [modelA, modelB], prompts: prompts, images: 1)
        let (study, _) = try StudySetup.create(
            at: fixture.studyPath, dataset: fixture.dataset.path,
            config: StudyConfig(modelA: modelA, modelB: modelB, imagesPerSide: 1))
        XCTAssertEqual(Set(try study.prompts().map(\.text)), Set(prompts))
        let names = ["=cmd|' /C calc'!A0", "+bob", "@carol"]
        for name in names {
            let annotator = try study.invite(name: name)
            while let trial = try await study.nextTrial(for: annotator) {
                _ = try await study.record(annotator: annotator, promptID: trial.prompt.id, choice: trial.leftModel == modelB ? .left : .right)
            }
        }
        let answers = try study.answers()
        XCTAssertEqual(answers.count, prompts.count * names.count)
        XCTAssertEqual(Set(answers.map(\.annotator)), Set(names), "the database keeps the names as given")

        let out = fixture.root.appendingPathComponent("answers.csv").path
        XCTAssertEqual(try Export.write(study: study, to: out), answers.count)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertEqual(text, Export.csv(answers), "the file and the admin download are one text")
        let rows = try CSV.parse(text, path: out).dropFirst().filter { $0.count > 1 }
        XCTAssertEqual(rows.count, answers.count)
        for (row, answer) in zip(rows, answers) {
            XCTAssertEqual(row[0], "'" + answer.annotator)
            XCTAssertEqual(row[1], prompts.contains(answer.prompt) && answer.prompt != "plain = fine" ? "'" + answer.prompt : answer.prompt)
            XCTAssertEqual(row[2], "'" + modelB, "every annotator chose \(modelB)")
            XCTAssertEqual([row[4], row[5]].sorted(), ["'" + modelA, "'" + modelB].sorted())
            for cell in row { XCTAssertFalse(["=", "+", "-", "@", "\t", "\r"].contains { cell.hasPrefix($0) }, "a live formula: \(cell)") }
        }
        XCTAssertEqual(Export.spreadsheetSafe("plain"), "plain")
        XCTAssertEqual(Export.spreadsheetSafe("12.5"), "12.5")
        XCTAssertEqual(Export.spreadsheetSafe(""), "")

        // The agreement reads the database: exact names, every prompt decided.
        let scores = [
            modelA: Dictionary(uniqueKeysWithValues: prompts.map { ($0, 50.0) }),
            modelB: Dictionary(uniqueKeysWithValues: prompts.map { ($0, 60.0) })
        ]
        let report = try Agreement.analyse(study: study, scores: scores)
        XCTAssertEqual(report.agreement.prompts, prompts.count)
        XCTAssertEqual(report.agreement.agree, prompts.count)
        XCTAssertEqual(report.missingScores, [])

        // The 2AFC JSON is the exact data.
        let jsonl = fixture.root.appendingPathComponent("answers.jsonl").path
        _ = try Export.write(study: study, to: jsonl, format: .twoAFC)
        let records = try String(contentsOfFile: jsonl, encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(Set(records.compactMap { $0["prompt"] as? String }), Set(prompts))
        XCTAssertEqual(Set(records.compactMap { $0["annotator"] as? String }), Set(names))
        XCTAssertEqual(Set(records.compactMap { $0["chosen_model"] as? String }), [modelB])
    }

    func testAgreementReportsTheRateTiesAndTooFewAnswers() throws {
        let config = StudyConfig(modelA: "SDXL", modelB: "pixart", allowCantTell: true)
        func answer(_ who: String, _ prompt: String, _ chosen: String?) -> AnswerRecord {
            AnswerRecord(
                annotator: who, prompt: prompt, promptPosition: 0, leftModel: "SDXL", rightModel: "pixart",
                choice: chosen == nil ? .cantTell : chosen == "SDXL" ? .left : .right, chosenModel: chosen,
                shownAt: "", answeredAt: "")
        }
        let prompts = ["p1", "p2", "p3", "p4", "p5", "p6"]
        let answers = [
            answer("a", "p1", "pixart"), answer("b", "p1", "pixart"), answer("c", "p1", "SDXL"),  // pixart 2:1
            answer("a", "p2", "SDXL"), answer("b", "p2", "SDXL"), answer("c", "p2", "SDXL"),  // SDXL 3:0
            answer("a", "p3", "SDXL"), answer("b", "p3", "pixart"), answer("c", "p3", nil),  // tie
            answer("a", "p4", nil),  // too few
            answer("a", "p5", "pixart"), answer("b", "p5", "pixart"),  // no score
            answer("a", "p6", "pixart"), answer("b", "p6", "pixart"), answer("c", "p6", "pixart")
        ]
        let scores: [String: [String: Double]] = [
            "SDXL": ["p1": 60, "p2": 70, "p3": 50, "p4": 50, "p6": 80],
            "pixart": ["p1": 65, "p2": 68, "p3": 55, "p4": 40, "p6": 75]
        ]
        let r = Agreement.analyse(answers: answers, prompts: prompts, config: config, annotators: ["a", "b", "c"], scores: scores, minAnswers: 1)
        XCTAssertEqual(r.agreement.agree, 2)  // p1, p2 agree; p6 disagrees
        XCTAssertEqual(r.agreement.prompts, 3)
        XCTAssertEqual(r.ties, ["p3"])
        XCTAssertEqual(r.tooFewAnswers, ["p4"])
        XCTAssertEqual(r.missingScores, ["p5"])
        XCTAssertEqual(r.agreement.pValue, 1)
        XCTAssertEqual(r.agreement.ciLow!, AgreementStatistics.wilson(successes: 2, trials: 3)!.low)
        XCTAssertEqual(r.cohenKappa.map { "\($0.a)-\($0.b):\($0.prompts)" }, ["a-b:5", "a-c:4", "b-c:4"])
        XCTAssertEqual(r.categories, ["SDXL", "pixart", "cant_tell"])
        let c = r.annotatorAgreement.first { $0.annotator == "c" }!
        XCTAssertEqual(c.compared, 3)  // p1, p2, p6 (p3 tie, c's p3 is can't tell)
        XCTAssertEqual(c.agree, 2)
        let strict = Agreement.analyse(answers: answers, prompts: prompts, config: config, annotators: ["a", "b", "c"], scores: scores, minAnswers: 3)
        XCTAssertEqual(strict.tooFewAnswers, ["p3", "p4", "p5"], "p3 has 2 decisive answers, p5 2")
        XCTAssertTrue(Agreement.text(r).contains("2 of 3 prompts"))
    }

    func testScoresFileIsReadAndCheckedWithLineNumbers() throws {
        fixture = try StudyFixture.make(prompts: ["p"], images: 1)
        let good = fixture.root.appendingPathComponent("scores.csv")
        try "model,prompt,n_images,n_pairs,scs,pair_sd,pair_min,pair_max\nSDXL,\"a, b\",20,190,71.5,1,2,3\npixart,p,20,190,60,1,2,3\n"
            .write(to: good, atomically: true, encoding: .utf8)
        let scores = try Agreement.readScores(good.path)
        XCTAssertEqual(scores["SDXL"]?["a, b"], 71.5)
        XCTAssertEqual(scores["pixart"]?["p"], 60)
        let bad = fixture.root.appendingPathComponent("bad.csv")
        try "model,prompt,scs\nSDXL,p,x\n".write(to: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Agreement.readScores(bad.path)) {
            XCTAssertEqual($0 as? AnnotateError, .badScores(path: bad.path, line: 2, reason: "missing or non-numeric scs"))
        }
    }

    /// A group given twice was overwritten by the later row; like every reader of scores.csv,
    /// agreement now refuses it, naming both lines.
    func testAGroupScoredTwiceIsRefused() throws {
        fixture = try StudyFixture.make(prompts: ["p"], images: 1)
        let twice = fixture.root.appendingPathComponent("twice.csv")
        try "model,prompt,scs\nSDXL,p,70\npixart,p,60\nSDXL,p,50\n".write(to: twice, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Agreement.readScores(twice.path)) {
            XCTAssertEqual(
                $0 as? ScoresFileError,
                ScoresFileError(path: twice.path, line: 4, .scoredTwice(GroupKey(model: "SDXL", prompt: "p"), firstLine: 2)))
        }
    }
}
