import Foundation
import GenerateStubs
@testable import SCSGenerate
import SCSImaging
import TestSupport
import XCTest

/// Reruns, crashes and interruptions: no request for an image that is on disk and decodes, no
/// partial image ever under a final name, a manifest that always matches the files.
final class GenerationResumeTests: StubbedGenerateTestCase<A1111Stub> {
    var a1111: BackendConfiguration { config(.a1111, stub.url) }
    func twoByThree() throws -> GenerationPlan { try plan(["a fox", "a heron's nest"], seeds: [1, 2, 3]) }
    var seedsAsked: [Int64] { stub.bodies.compactMap { $0["seed"]?.intValue } }

    func testRerunSendsNoRequestForImagesOnDiskAndRedoesMissingOrBrokenOnes() async throws {
        try await generate(try twoByThree(), a1111, options())
        XCTAssertEqual(stub.bodies.count, 6)
        stub.server.clearLog()

        let (again, _) = try await generate(try twoByThree(), a1111, options())
        XCTAssertEqual(stub.server.log.count, 0, "nothing to do, nothing sent")
        XCTAssertEqual(again.alreadyOnDisk, 6)
        XCTAssertEqual(again.generated, 0)

        // One image deleted, one cut short (a copy gone wrong): only those two are asked for.
        try FileManager.default.removeItem(at: out.appendingPathComponent("M/a fox/2.jpg"))
        let broken = out.appendingPathComponent("M/a heron_s nest/3.jpg")
        try Data(try Data(contentsOf: broken).prefix(500)).write(to: broken)
        let (repair, events) = try await generate(try twoByThree(), a1111, options())
        XCTAssertEqual(Set(stub.bodies.map { "\($0["prompt"]!.stringValue!)/\($0["seed"]!.intValue!)" }), ["a fox/2", "a heron's nest/3"])
        XCTAssertEqual(repair.generated, 2)
        XCTAssertEqual(repair.droppedLines, 2)
        XCTAssertTrue(events.notes.contains { $0.contains("a heron_s nest/3.jpg does not decode") }, "\(events.notes)")
        let lines = try manifest()
        XCTAssertEqual(lines.count, 6)
        try assertManifestMatchesFiles(lines)
    }

    /// A crash between renaming an image into place and appending its line leaves an image
    /// without a line; a crash mid-append leaves a cut-off line. The rerun repairs both without
    /// a request.
    func testManifestIsRepairedAfterACrash() async throws {
        try await generate(try twoByThree(), a1111, options())
        var text = try String(contentsOf: manifestURL, encoding: .utf8)
        var rows = text.split(separator: "\n").map(String.init)
        let lost = try XCTUnwrap(JSONValue.parse(Data(rows.removeLast().utf8)))
        text = rows.joined(separator: "\n") + "\n" + #"{"model":"M","prompt":"a fox","seed":"#
        try Data(text.utf8).write(to: manifestURL)
        stub.server.clearLog()

        let (summary, _) = try await generate(try twoByThree(), a1111, options())
        XCTAssertEqual(stub.server.log.count, 0)
        XCTAssertEqual(summary.recoveredLines, 1)
        let lines = try manifest()
        XCTAssertEqual(lines.count, 6)
        try assertManifestMatchesFiles(lines)
        let recovered = try XCTUnwrap(lines.last)
        XCTAssertEqual(recovered["recovered"], true)
        XCTAssertEqual(recovered["path"], lost["path"])
        XCTAssertEqual(recovered["prompt"], lost["prompt"])
        XCTAssertEqual(recovered["request"], lost["request"])
        XCTAssertEqual(recovered["seconds"], .null)
    }

    /// Lines of other models (or seeds) in the same manifest are left alone.
    func testOtherModelsLinesAreKept() async throws {
        try await generate(try plan(["a fox"], seeds: [1]), a1111, options())
        try await generate(try plan(["a fox"], seeds: [1, 2], model: "Other"), a1111, options())
        let paths = try manifest().compactMap { $0["path"]?.stringValue }
        XCTAssertEqual(paths, ["M/a fox/1.jpg", "Other/a fox/1.jpg", "Other/a fox/2.jpg"])
    }

    func testPartialFilesOfACrashedRunAreRemoved() async throws {
        let folder = out.appendingPathComponent("M/a fox")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let partial = folder.appendingPathComponent(".scs-partial-999-abcd-1.jpg")
        try Data([0xFF, 0xD8]).write(to: partial)
        try await generate(try plan(["a fox"], seeds: [1]), a1111, options())
        XCTAssertFalse(FileManager.default.fileExists(atPath: partial.path))
        XCTAssertEqual(files(), ["M/a fox/1.jpg"])
    }

    /// Cancelling (what Ctrl-C does) stops at once; what was written is complete and recorded.
    func testCancellationLeavesAConsistentManifest() async throws {
        stub.faults.add("txt2img", [.pass, .pass, .hang])
        let run = try GenerationRun(plan: try twoByThree(), backend: a1111, options: options(timeout: 30))
        let task = Task { try await run.run() }
        let deadline = Date().addingTimeInterval(10)
        while stub.server.log.count < 3 && Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("expected a cancellation")
        } catch is CancellationError {}
        XCTAssertEqual(run.summary.generated, 2)
        XCTAssertEqual(files(), ["M/a fox/1.jpg", "M/a fox/2.jpg"])
        let lines = try manifest()
        XCTAssertEqual(lines.count, 2)
        try assertManifestMatchesFiles(lines)
    }

    func testConcurrencyLimitIsKept() async throws {
        stub.server.delay = 0.1
        try await generate(try plan(["a", "b"], seeds: [1, 2, 3, 4]), a1111, options(concurrency: 3))
        XCTAssertEqual(stub.server.maxInFlight, 3, "three at a time, never more")
        try assertManifestMatchesFiles(try manifest())
    }

    func testTwoRunsCannotShareAnOutputFolder() throws {
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let held = try RunLock(directory: out)
        XCTAssertThrowsError(try RunLock(directory: out)) { XCTAssertEqual($0 as? GenerateError, .locked(path: out.path)) }
        held.release()
        XCTAssertNoThrow(try RunLock(directory: out))
    }

    /// Two prompts for one folder: an error before anything is sent or written.
    func testCollisionStopsBeforeAnyRequest() async throws {
        XCTAssertThrowsError(try plan(["a cat's hat", "a cat_s hat"], seeds: [1]))
        XCTAssertEqual(stub.server.log.count, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    func testDryRunSurveyReadsOnly() async throws {
        try await generate(try plan(["a fox"], seeds: [1]), a1111, options())
        stub.server.clearLog()
        let run = try GenerationRun(plan: try plan(["a fox", "b"], seeds: [1, 2]), backend: a1111, options: options())
        let survey = run.survey()
        XCTAssertEqual(survey.done.count, 1)
        XCTAssertEqual(survey.todo.count, 3)
        XCTAssertEqual(run.preview(survey.todo[0]).body["seed"], 2)
        XCTAssertEqual(stub.server.log.count, 0)
        XCTAssertEqual(try manifest().count, 1)
    }
}
