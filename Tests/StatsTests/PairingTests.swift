import Foundation
import SCSStats
import TestSupport
import XCTest

/// How groups pair: by identical prompt (up to folder-unsafe characters), or line by line from
/// two lists with every line that does not line up reported. The paper's Monet lists
/// (../shared/paper/resources) drift apart from line 16 to line 27 (NOTES.md).
final class PairingTests: XCTestCase {
    var lora: [String] = [], monet: [String] = []

    override func setUpWithError() throws {
        let resources = TestPaths.shared.appendingPathComponent("paper/resources")
        let loraURL = resources.appendingPathComponent("prompts_monet_lora.txt")
        guard FileManager.default.fileExists(atPath: loraURL.path) else { throw XCTSkip("no \(loraURL.path)") }
        lora = try String(contentsOf: loraURL, encoding: .utf8).components(separatedBy: "\n").filter { !$0.isEmpty }
        monet = try String(contentsOf: resources.appendingPathComponent("prompts_monet_sdxl.txt"), encoding: .utf8)
            .components(separatedBy: "\n").filter { !$0.isEmpty }
    }

    /// Both lists' prompts as SDXL groups named as the published data set names folders ("'" → "_").
    func monetTable(dropping: String? = nil) throws -> ScoreTable {
        var rows: [PromptScore] = []
        for (i, p) in (lora + monet).enumerated() where p != dropping {
            rows.append(PromptScore(model: "SDXL", prompt: p.replacingOccurrences(of: "'", with: "_"), score: 60 + Double(i % 17)))
        }
        return try ScoreTable(rows)
    }

    func testMonetListsDriftBetweenLines16And27() throws {
        XCTAssertEqual(lora.count, 50)
        let p = Pairing.byLines(try monetTable(), a: "SDXL", b: "SDXL", listA: lora, listB: monet)
        XCTAssertEqual(p.substitution?.a, "TOK")
        XCTAssertEqual(p.substitution?.b, "Monet")
        XCTAssertEqual(p.issues.map(\.line), Array(16...27))
        XCTAssertTrue(p.issues.allSatisfy { $0.kind == .mismatch && !$0.included })
        XCTAssertEqual(p.pairs.count, 38)
        // Line 16 of the LoRA list is line 17 of the SDXL list; SDXL's line 16 has no LoRA twin.
        XCTAssertTrue(p.issues[0].message.contains("lines up with line 17 of B"), p.issues[0].message)
        XCTAssertTrue(p.issues[0].message.contains("B's prompt is on no line of A"), p.issues[0].message)
        // "a person's eye" (line 10) is found under its folder name "a person_s eye".
        XCTAssertEqual(p.pairs.first { $0.line == 10 }?.promptA, lora[9].replacingOccurrences(of: "'", with: "_"))
        XCTAssertEqual(p.normalizedMatches, 2)
    }

    func testKeepMismatchedIncludesThemAndStillReportsThem() throws {
        let p = Pairing.byLines(try monetTable(), a: "SDXL", b: "SDXL", listA: lora, listB: monet, keepMismatched: true)
        XCTAssertEqual(p.pairs.count, 50)
        XCTAssertEqual(p.issues.count, 12)
        XCTAssertTrue(p.issues.allSatisfy(\.included))
    }

    func testListPromptWithoutGroupIsReported() throws {
        let p = Pairing.byLines(try monetTable(dropping: lora[2]), a: "SDXL", b: "SDXL", listA: lora, listB: monet)
        let issue = try XCTUnwrap(p.issues.first { $0.line == 3 })
        XCTAssertEqual(issue.kind, .noGroup)
        XCTAssertTrue(issue.message.contains("has no group under SDXL"), issue.message)
        XCTAssertEqual(p.pairs.count, 37)
    }

    func testUnequalListsAndDuplicatesAreReported() throws {
        let table = try ScoreTable([
            PromptScore(model: "m", prompt: "a cat by X", score: 1), PromptScore(model: "m", prompt: "a cat by Y", score: 2),
            PromptScore(model: "m", prompt: "a dog by X", score: 3), PromptScore(model: "m", prompt: "a dog by Y", score: 4)
        ])
        let p = Pairing.byLines(
            table, a: "m", b: "m", listA: ["a cat by X", "a dog by X", "a cat by X"],
            listB: ["a cat by Y", "a dog by Y", "a cat by Y", "a dog by Y"])
        XCTAssertEqual(p.pairs.count, 2)
        XCTAssertEqual(p.issues.map(\.kind), [.duplicate, .unpaired])
        XCTAssertEqual(p.issues.map(\.line), [3, 4])
    }

    func testByPromptListsOneSidedPromptsAndMatchesFolderNames() throws {
        let table = try ScoreTable([
            PromptScore(model: "A", prompt: "a person's eye", score: 70), PromptScore(model: "A", prompt: "a tree", score: 71),
            PromptScore(model: "A", prompt: "only A", score: 72),
            PromptScore(model: "B", prompt: "a tree", score: 60), PromptScore(model: "B", prompt: "a person_s eye", score: 61),
            PromptScore(model: "B", prompt: "only B", score: 62)
        ])
        let p = Pairing.byPrompt(table, a: "A", b: "B")
        XCTAssertEqual(p.pairs.map(\.promptA), ["a tree", "a person's eye"])
        XCTAssertEqual(p.pairs.map(\.scoreB), [60, 61])
        XCTAssertEqual(p.onlyA, ["only A"])
        XCTAssertEqual(p.onlyB, ["only B"])
        XCTAssertEqual(p.normalizedMatches, 1)
    }

    func testPromptDifference() {
        XCTAssertTrue(PromptText.difference("a cat in the style of TOK", "a cat in the style of Monet") == ("TOK", "Monet"))
        XCTAssertTrue(PromptText.difference("same", "same") == ("", ""))
        XCTAssertTrue(PromptText.difference("a red cat", "a blue cat") == ("red", "blue"))
        XCTAssertEqual(PromptText.folderKey(" it's a/b "), "it_s a_b")
    }
}
