import Foundation
import GenerateStubs
@testable import SCSGenerate
import TestSupport
import XCTest

/// The comfyui backend against a loopback ComfyUI: queue, poll history, fetch /view.
final class ComfyUIBackendTests: StubbedGenerateTestCase<ComfyUIStub> {
    /// ComfyUI's default text-to-image graph, exported with "Save (API Format)", with placeholders.
    static let workflowJSON = #"""
        {
          "3": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": "{{steps}}", "cfg": "{{guidance}}", "sampler_name": "{{sampler}}",
                "scheduler": "normal", "denoise": 1, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}},
          "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}},
          "5": {"class_type": "EmptyLatentImage", "inputs": {"width": "{{width}}", "height": "{{height}}", "batch_size": 1}},
          "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}", "clip": ["4", 1]}},
          "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{negative_prompt}}", "clip": ["4", 1]}},
          "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
          "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "scs", "images": ["8", 0]}}
        }
        """#

    func comfy(_ settings: GenerationSettings = .init(), workflow: String = workflowJSON) throws -> BackendConfiguration {
        let path = temp.appendingPathComponent("workflow_api.json")
        try Data(workflow.utf8).write(to: path)
        var c = config(.comfyui, stub.url, settings: settings)
        c.workflow = try ComfyWorkflow(path: path.path)
        return c
    }

    func testFillsTheWorkflowPollsHistoryAndFetchesTheImage() async throws {
        stub.pollsBeforeDone = 2
        let (summary, _) = try await generate(try plan(["a \"quoted\" heron"], seeds: [21, 22]), try comfy(), options())
        XCTAssertEqual(summary.generated, 2)
        let graph = try XCTUnwrap(stub.queued.first)
        XCTAssertEqual(graph["3"]?["inputs"]?["seed"], 21)
        XCTAssertEqual(graph["3"]?["inputs"]?["steps"], 20)
        XCTAssertEqual(graph["3"]?["inputs"]?["cfg"], 7.5)
        XCTAssertEqual(graph["3"]?["inputs"]?["sampler_name"], "euler")
        XCTAssertEqual(graph["5"]?["inputs"]?["width"], 768)
        XCTAssertEqual(graph["6"]?["inputs"]?["text"], "a \"quoted\" heron")
        XCTAssertEqual(graph["7"]?["inputs"]?["text"], "")
        let log = stub.server.log
        XCTAssertEqual(log.filter { $0.path.hasPrefix("/history/") }.count, 6)
        let view = try XCTUnwrap(log.first { $0.path == "/view" })
        XCTAssertEqual(view.query, ["filename": "ComfyUI_21_.png", "subfolder": "", "type": "output"])
        let lines = try manifest()
        try assertManifestMatchesFiles(lines)
        XCTAssertEqual(lines[0]["request"]?["prompt"], graph, "the manifest holds the workflow as sent")
        XCTAssertEqual(lines[0]["workflow_sha256"]?.stringValue, sha256Hex(Data(Self.workflowJSON.utf8)))
        XCTAssertNotNil(lines[0]["backend_info"]?["prompt_id"]?.stringValue)
    }

    func testFailuresOfEachStepAreRetried() async throws {
        stub.faults.add("prompt", [.status(503, retryAfter: "0")])
        stub.faults.add("history", [.malformedJSON, .hang])
        stub.faults.add("view", [.truncatedImage])
        let (summary, events) = try await generate(try plan(["a heron"], seeds: [1]), try comfy(), options(timeout: 0.5))
        XCTAssertEqual(summary.generated, 1)
        XCTAssertEqual(events.retryReasons.count, 4, "\(events.retryReasons)")
        XCTAssertEqual(stub.server.log.filter { $0.path == "/prompt" }.count, 2)
        try assertManifestMatchesFiles(try manifest())
    }

    func testValidationErrorStopsWithTheNodesMessage() async throws {
        let e = await generateError(try plan(["a heron"], seeds: [1]), try comfy(GenerationSettings(sampler: "K_EULER")), options())
        guard case let .rejected(_, _, status, message)? = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(status, 400)
        XCTAssertTrue(message.contains("Prompt outputs failed validation") && message.contains("node 3") && message.contains("K_EULER"), message)
    }

    func testExecutionErrorFailsThatImageOnly() async throws {
        stub.failSeeds = [2]
        let (summary, _) = try await generate(try plan(["a heron"], seeds: [1, 2]), try comfy(), options())
        XCTAssertEqual(summary.generated, 1)
        XCTAssertEqual(summary.failed.count, 1)
        XCTAssertTrue(summary.failed[0].reason.contains("KSampler: CUDA error: out of memory"), summary.failed[0].reason)
    }

    /// Options the workflow has no placeholder for, and placeholders nothing fills, are errors
    /// before anything is sent.
    func testMismatchesBetweenOptionsAndPlaceholdersAreRefused() throws {
        let noSteps = Self.workflowJSON.replacingOccurrences(of: "\"{{steps}}\"", with: "20")
        XCTAssertThrowsError(
            try GenerationRun(
                plan: try plan(["a"], seeds: [1]), backend: try comfy(GenerationSettings(steps: 30), workflow: noSteps),
                options: options())
        ) { error in
            XCTAssertTrue("\(error)".contains("steps is given but the workflow has no {{steps}}") && !"\(error)".contains("--"), "\(error)")
        }
        let unknown = Self.workflowJSON.replacingOccurrences(of: "\"normal\"", with: "\"{{scheduler}}\"")
        XCTAssertThrowsError(try GenerationRun(plan: try plan(["a"], seeds: [1]), backend: try comfy(workflow: unknown), options: options()))
        // …unless --extra names it.
        XCTAssertNoThrow(
            try GenerationRun(
                plan: try plan(["a"], seeds: [1]), backend: try comfy(GenerationSettings(extra: ["scheduler": "karras"]), workflow: unknown),
                options: options()))
        XCTAssertEqual(stub.server.log.count, 0)
    }
}
