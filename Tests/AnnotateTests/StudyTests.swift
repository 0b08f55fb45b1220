import Foundation
import GRDB
@testable import SCSAnnotate
import SCSScoring
import XCTest

/// Setting up a study, inviting, side assignment, storing, export and the agreement report,
/// below the HTTP layer.
final class StudyTests: XCTestCase {
    var fixture: StudyFixture!

    override func tearDown() { fixture?.remove() }

    func testInitRegistersCommonPromptsAndTheFirstImagesByName() throws {
        fixture = try StudyFixture.make(prompts: ["b prompt", "a prompt", "c prompt"], images: 5)
        // A prompt only one model has is not in the study.
        let extra = fixture.dataset.appendingPathComponent("SDXL/only sdxl")
        try FileManager.default.createDirectory(at: extra, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixture.dataset.appendingPathComponent("SDXL/a prompt/00.jpg"), to: extra.appendingPathComponent("00.jpg"))
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
        XCTAssertThrowsError(try StudySetup.create(at: fixture.root.appendingPathComponent("b.db").path, dataset: fixture.dataset.path,
                                                   config: StudyConfig(modelA: "SDXL", modelB: "pixart"), promptsFile: bad.path)) {
            XCTAssertEqual($0 as? AnnotateError, .missingPrompt("not drawn", file: bad.path))
        }
        XCTAssertThrowsError(try StudySetup.create(at: fixture.root.appendingPathComponent("c.db").path, dataset: fixture.dataset.path,
                                                   config: StudyConfig(modelA: "SDXL", modelB: "flux"))) {
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
        let (study, _) = try StudySetup.create(at: fixture.studyPath, dataset: fixture.dataset.path,
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
        XCTAssertThrowsError(try StudySetup.create(at: fixture.root.appendingPathComponent("x.db").path, dataset: fixture.dataset.path,
                                                   config: StudyConfig(modelA: "SDXL", modelB: "pixart"), sidesFile: bad.path)) {
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

    func testAgreementReportsTheRateTiesAndTooFewAnswers() throws {
        let config = StudyConfig(modelA: "SDXL", modelB: "pixart", allowCantTell: true)
        func answer(_ who: String, _ prompt: String, _ chosen: String?) -> AnswerRecord {
            AnswerRecord(annotator: who, prompt: prompt, promptPosition: 0, leftModel: "SDXL", rightModel: "pixart",
                         choice: chosen == nil ? .cantTell : chosen == "SDXL" ? .left : .right, chosenModel: chosen,
                         shownAt: "", answeredAt: "")
        }
        let prompts = ["p1", "p2", "p3", "p4", "p5", "p6"]
        let answers = [
            answer("a", "p1", "pixart"), answer("b", "p1", "pixart"), answer("c", "p1", "SDXL"),  // pixart 2:1
            answer("a", "p2", "SDXL"), answer("b", "p2", "SDXL"), answer("c", "p2", "SDXL"),       // SDXL 3:0
            answer("a", "p3", "SDXL"), answer("b", "p3", "pixart"), answer("c", "p3", nil),        // tie
            answer("a", "p4", nil),                                                                  // too few
            answer("a", "p5", "pixart"), answer("b", "p5", "pixart"),                                // no score
            answer("a", "p6", "pixart"), answer("b", "p6", "pixart"), answer("c", "p6", "pixart"),
        ]
        let scores: [String: [String: Double]] = [
            "SDXL": ["p1": 60, "p2": 70, "p3": 50, "p4": 50, "p6": 80],
            "pixart": ["p1": 65, "p2": 68, "p3": 55, "p4": 40, "p6": 75],
        ]
        let r = Agreement.analyse(answers: answers, prompts: prompts, config: config, annotators: ["a", "b", "c"], scores: scores, minAnswers: 1)
        XCTAssertEqual(r.agreement.agree, 2)   // p1, p2 agree; p6 disagrees
        XCTAssertEqual(r.agreement.prompts, 3)
        XCTAssertEqual(r.ties, ["p3"])
        XCTAssertEqual(r.tooFewAnswers, ["p4"])
        XCTAssertEqual(r.missingScores, ["p5"])
        XCTAssertEqual(r.agreement.pValue, 1)
        XCTAssertEqual(r.agreement.ciLow!, AgreementStatistics.wilson(successes: 2, trials: 3)!.low)
        XCTAssertEqual(r.cohenKappa.map { "\($0.a)-\($0.b):\($0.prompts)" }, ["a-b:5", "a-c:4", "b-c:4"])
        XCTAssertEqual(r.categories, ["SDXL", "pixart", "cant_tell"])
        let c = r.annotatorAgreement.first { $0.annotator == "c" }!
        XCTAssertEqual(c.compared, 3)   // p1, p2, p6 (p3 tie, c's p3 is can't tell)
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
}

