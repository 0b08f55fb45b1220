import Foundation
import SCSGenerate
import TestSupport
import XCTest

/// The prompt-to-folder rule: the paper's data set layout, each rule's step pinned, safety, and
/// collisions found before anything is sent.
final class PromptFolderTests: XCTestCase {
    /// Every prompt the paper used maps to the folder its published data set has: the prompt,
    /// with the apostrophe replaced by `_`, and nothing else changed.
    func testPaperPromptsGiveThePublishedFolders() throws {
        let resources = TestPaths.shared.appendingPathComponent("paper/resources")
        var checked = 0
        for file in ["prompts.txt", "prompts_monet_sdxl.txt", "prompts_monet_lora.txt"] {
            let prompts = try GenerationPlan.readPrompts(at: resources.appendingPathComponent(file).path)
            for p in prompts {
                XCTAssertEqual(PromptFolder.name(for: p.text), p.text.replacingOccurrences(of: "'", with: "_"), "\(file):\(p.line)")
                checked += 1
            }
            // All of them fit in one study without two sharing a folder.
            XCTAssertNoThrow(try GenerationPlan(modelName: "SDXL", prompts: prompts, seeds: [1]))
        }
        XCTAssertEqual(checked, 104 + 50 + 50)  // the Monet lists lack a final newline
        XCTAssertEqual(
            PromptFolder.name(for: "a high-contrast black and white photograph of a person's eye"),
            "a high-contrast black and white photograph of a person_s eye")
        XCTAssertEqual(
            PromptFolder.name(for: "a whimsical, Dr. Seuss-style illustration of a fantastical creature"),
            "a whimsical, Dr. Seuss-style illustration of a fantastical creature")
    }

    func testEachStepOfTheRule() {
        // 1. separators, Windows-reserved characters, the apostrophe, control characters
        XCTAssertEqual(PromptFolder.name(for: #"a/b\c:d*e?f"g<h>i|j'k"#), "a_b_c_d_e_f_g_h_i_j_k")
        XCTAssertEqual(PromptFolder.name(for: "tab\there\nnewline\u{7F}del\u{85}nel"), "tab_here_newline_del_nel")
        // 2. no ".." anywhere
        XCTAssertEqual(PromptFolder.name(for: "wait.. what... ok"), "wait._ what._. ok")
        // 3. no leading or trailing dots and spaces
        XCTAssertEqual(PromptFolder.name(for: ".hidden"), "_hidden")
        XCTAssertEqual(PromptFolder.name(for: "  padded. "), "__padded__")
        XCTAssertEqual(PromptFolder.name(for: "."), "_")
        XCTAssertEqual(PromptFolder.name(for: ".."), "__")
        // Unicode text is kept as it is.
        XCTAssertEqual(PromptFolder.name(for: "un chat très élégant, 猫"), "un chat très élégant, 猫")
    }

    /// 4. Long prompts: cut to 183 bytes + "_" + 16 hex digits of the prompt's SHA-256. The
    /// digests are pinned: a folder name must never change between versions.
    func testLongPromptsAreCutWithAStableHash() {
        let long = String(repeating: "a", count: 300)
        let name = PromptFolder.name(for: long)
        XCTAssertEqual(name, String(repeating: "a", count: 183) + "_9835fa6bf4e20a9b")
        XCTAssertEqual(name.utf8.count, PromptFolder.maxBytes)
        let road = "a photograph of " + String(repeating: "a very long and winding road, ", count: 10)
        XCTAssertTrue(PromptFolder.name(for: road).hasSuffix("_b0dab22f85b6ea23"))
        // Two prompts that differ only after the cut get different folders.
        XCTAssertNotEqual(PromptFolder.name(for: long), PromptFolder.name(for: long + "b"))
        // Multi-byte characters are never split.
        let cats = PromptFolder.name(for: String(repeating: "猫", count: 100))
        XCTAssertLessThanOrEqual(cats.utf8.count, PromptFolder.maxBytes)
        XCTAssertTrue(cats.hasPrefix(String(repeating: "猫", count: 61) + "_"), cats)
        // Exactly 200 bytes is not cut.
        XCTAssertEqual(PromptFolder.name(for: String(repeating: "b", count: 200)), String(repeating: "b", count: 200))
    }

    /// Whatever the text, the name is one safe path component.
    func testNamesAreAlwaysSafe() {
        let nasty = [
            "../../etc/passwd", "..", "/", "\\\\server\\share", "a/../b", "...", " . ", "x\0y", "C:\\Windows",
            String(repeating: "../", count: 100), String(repeating: "é", count: 150), "\u{1}\u{2}", "'; rm -rf /"
        ]
        for text in nasty {
            let name = PromptFolder.name(for: text)
            XCTAssertFalse(name.isEmpty, text)
            XCTAssertFalse(name.contains("/") || name.contains("\\") || name.contains("\0"), name)
            XCTAssertFalse(name.contains(".."), name)
            XCTAssertFalse(name.hasPrefix(".") || name.hasPrefix(" ") || name.hasSuffix(".") || name.hasSuffix(" "), name)
            XCTAssertLessThanOrEqual(name.utf8.count, PromptFolder.maxBytes)
            XCTAssertEqual(PromptFolder.name(for: text), name, "stable")
            XCTAssertEqual(URL(fileURLWithPath: "/out/m").appendingPathComponent(name).deletingLastPathComponent().path, "/out/m")
        }
    }

    /// Two prompts that would share a folder (here, or on a case-insensitive disk) are an error
    /// naming both lines.
    func testCollisionsAreErrorsNamingBothPrompts() {
        func collision(_ a: String, _ b: String) -> GenerateError? {
            do {
                _ = try GenerationPlan(modelName: "m", prompts: [PromptRef(line: 1, text: a), PromptRef(line: 3, text: b)], seeds: [1])
                return nil
            } catch { return error as? GenerateError }
        }
        let e = collision("a cat's hat", "a cat_s hat")
        XCTAssertEqual(
            e,
            .folderCollision(
                folder: "a cat_s hat", first: PromptRef(line: 1, text: "a cat's hat"),
                second: PromptRef(line: 3, text: "a cat_s hat")))
        XCTAssertTrue(e!.description.contains("line 1") && e!.description.contains("line 3"), e!.description)
        XCTAssertNotNil(collision("A Cat", "a cat"), "case-insensitive file systems")
        XCTAssertNotNil(collision("Café", "Cafe\u{301}"), "Unicode normalisation")
        XCTAssertNotNil(collision("a cat", "a cat"), "the same prompt twice")
        XCTAssertNil(collision("a cat", "a cat "), "a trailing space is kept (as _)")
    }

    func testModelNamesMustBeFolderNames() {
        for bad in ["", "a/b", "..", ".hidden", "x'y"] {
            XCTAssertThrowsError(try GenerationPlan(modelName: bad, prompts: [PromptRef(line: 1, text: "p")], seeds: [1]), bad)
        }
        XCTAssertNoThrow(try GenerationPlan(modelName: "SDXL", prompts: [PromptRef(line: 1, text: "p")], seeds: [1]))
    }
}
