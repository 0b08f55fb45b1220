import Foundation
import SCSAnnotate
import TestSupport
import XCTest

/// `scs annotate init | invite | export | agreement` as a user runs them (the built binary).
final class AnnotateCommandTests: XCTestCase {
    func testInitInviteExportAgreement() async throws {
        guard FileManager.default.isExecutableFile(atPath: CLIRunner.binary.path) else {
            throw XCTSkip("the scs binary is not built (swift build)")
        }
        let fixture = try StudyFixture.make(prompts: ["p1", "p2", "p3"], images: 2)
        defer { fixture.remove() }
        let db = fixture.studyPath
        let initRun = try CLIRunner.run([
            "annotate", "init", db, "--dataset", fixture.dataset.path, "--models", "SDXL,pixart",
            "--images-per-side", "3"
        ])
        XCTAssertEqual(initRun.status, 0, initRun.stderr)
        XCTAssertTrue(initRun.stdout.contains("3 prompts, 12 images"), initRun.stdout)
        XCTAssertTrue(initRun.stdout.contains("fewer than 3 readable images"), "short folders are reported")
        XCTAssertTrue(initRun.stdout.contains("/admin/"))
        let again = try CLIRunner.run(["annotate", "init", db, "--dataset", fixture.dataset.path, "--models", "SDXL,pixart"])
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("already exists"), again.stderr)
        let badModels = try CLIRunner.run(["annotate", "init", db + "2", "--dataset", fixture.dataset.path, "--models", "SDXL"])
        XCTAssertNotEqual(badModels.status, 0)

        var links: [String] = []
        for name in ["alice", "bob"] {
            let invite = try CLIRunner.run(["annotate", "invite", db, "--name", name, "--base-url", "http://lab.example:9000/"])
            XCTAssertEqual(invite.status, 0, invite.stderr)
            links.append(invite.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        XCTAssertTrue(links.allSatisfy { $0.hasPrefix("http://lab.example:9000/a/") && $0.count > 40 })
        XCTAssertNotEqual(links[0], links[1])

        // Answers straight into the study, both annotators preferring pixart.
        let study = try Study.open(at: db)
        for annotator in try study.annotators() {
            for prompt in try study.prompts() {
                let trial = try await study.nextTrial(for: annotator)
                XCTAssertEqual(trial?.prompt.id, prompt.id)
                _ = try await study.record(annotator: annotator, promptID: prompt.id, choice: trial!.leftModel == "pixart" ? .left : .right)
            }
        }
        let csv = fixture.root.appendingPathComponent("answers.csv").path
        let export = try CLIRunner.run(["annotate", "export", db, "--out", csv])
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertEqual(try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").count, 7)

        let scores = fixture.root.appendingPathComponent("scores.csv")
        try """
        model,prompt,n_images,n_pairs,scs,pair_sd,pair_min,pair_max
        SDXL,p1,2,1,60,0,60,60
        pixart,p1,2,1,70,0,70,70
        SDXL,p2,2,1,60,0,60,60
        pixart,p2,2,1,65,0,65,65
        SDXL,p3,2,1,80,0,80,80
        pixart,p3,2,1,65,0,65,65

        """.write(to: scores, atomically: true, encoding: .utf8)
        let json = fixture.root.appendingPathComponent("agreement.json").path
        let agreement = try CLIRunner.run(["annotate", "agreement", db, "--scores", scores.path, "--json", json])
        XCTAssertEqual(agreement.status, 0, agreement.stderr)
        XCTAssertTrue(agreement.stdout.contains("2 of 3 prompts: 66.7% (95% CI 20.8%–93.9%, Wilson"), agreement.stdout)
        XCTAssertTrue(agreement.stdout.contains("Fleiss' kappa"))
        XCTAssertTrue(agreement.stdout.contains("alice – bob"))
        let report = try XCTUnwrap(try loadJSON(URL(fileURLWithPath: json)) as? [String: Any])
        XCTAssertEqual((report["agreement"] as? [String: Any])?["agree"] as? Int, 2)
        XCTAssertEqual((report["prompts"] as? [Any])?.count, 3)
        XCTAssertNotNil(report["cohen_kappa"])
    }

    /// `init` on a dataset with symlinks, loops, a name that is not UTF-8, a FIFO and broken
    /// images: readable images only are registered, everything else named on its own line.
    func testInitNamesWhatItLeavesOut() throws {
        guard FileManager.default.isExecutableFile(atPath: CLIRunner.binary.path) else {
            throw XCTSkip("the scs binary is not built (swift build)")
        }
        let work = try makeTemporaryDirectory("scs-messy-init")
        defer { MessyDataset.remove(work) }
        let data = try MessyDataset.make(in: work)
        let base = URL(fileURLWithPath: data.path).standardizedFileURL.path
        let db = work.appendingPathComponent("study.db").path
        let r = try CLIRunner.run(["annotate", "init", db, "--dataset", data.path, "--models", "SDXL,pixart", "--images-per-side", "3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("2 prompts, 10 images"), r.stdout)
        XCTAssertTrue(r.stdout.contains("left out 10 folders, files or images"), r.stdout)
        for line in [
            "  \(base)/again: a symlink loop", "  \(base)/SDXL/loop: a symlink loop", "  \(base)/SDXL/caf\\xE9: the name is not valid UTF-8",
            "  \(base)/SDXL/a cat/pipe.png: a FIFO, not a file", "  \(base)/SDXL/a cat/0-empty.png: empty file",
            "  \(base)/SDXL/a cat/0-passwd.jpg: not a JPEG, PNG or WebP image", "  \(base)/SDXL/a cat/0-truncated.jpg: truncated JPEG"
        ] {
            XCTAssertTrue(r.stdout.split(separator: "\n").contains { $0.hasPrefix(line) }, "\(line) in \(r.stdout)")
        }
        XCTAssertTrue(r.stdout.contains("fewer than 3 readable images"), r.stdout)
        XCTAssertTrue(r.stdout.contains("SDXL/a dog") && r.stdout.contains("pixart/a dog"), r.stdout)
        XCTAssertFalse(r.stdout.contains("NSCocoaErrorDomain") || r.stderr.contains("NSCocoaErrorDomain"))

        // Many: a count, the first few, and the whole list in a file beside the study.
        let fixture = try StudyFixture.make(prompts: ["p"], images: 2)
        defer { fixture.remove() }
        for i in 0..<25 { try Data().write(to: fixture.dataset.appendingPathComponent(String(format: "SDXL/p/0-%02d-empty.png", i))) }
        let many = try CLIRunner.run([
            "annotate", "init", fixture.studyPath, "--dataset", fixture.dataset.path, "--models", "SDXL,pixart",
            "--images-per-side", "2"
        ])
        XCTAssertEqual(many.status, 0, many.stderr)
        XCTAssertTrue(many.stdout.contains("left out 25 folders, files or images"), many.stdout)
        XCTAssertTrue(many.stdout.contains("and 20 more: all 25 are listed in \(fixture.studyPath).excluded.txt"), many.stdout)
        let listed = try String(contentsOfFile: fixture.studyPath + ".excluded.txt", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(listed.count, 25)
        XCTAssertTrue(listed.allSatisfy { $0.hasSuffix("-empty.png: empty file") }, "\(listed)")
        let study = try Study.open(at: fixture.studyPath)
        XCTAssertEqual(
            try study.images(promptID: try study.prompts()[0].id).filter { $0.model == "SDXL" }
                .map { URL(fileURLWithPath: $0.path).lastPathComponent }, ["00.jpg", "01.jpg"])
    }
}
