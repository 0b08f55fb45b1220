import Foundation
import GenerateStubs
@testable import SCSGenerate
import SCSImaging
import TestSupport
import XCTest

/// The a1111 backend (AUTOMATIC1111, Forge, stable-diffusion.cpp) against a loopback txt2img.
final class A1111BackendTests: StubbedGenerateTestCase<A1111Stub> {
    func a1111(_ settings: GenerationSettings = .init()) -> BackendConfiguration { config(.a1111, stub.url, settings: settings) }

    func testSendsEveryFieldWithTheRightTypesAndDecodesBase64() async throws {
        let (summary, _) = try await generate(try plan(["a lighthouse", "a fox"], seeds: [11, 12]), a1111(), options())
        XCTAssertEqual(summary.generated, 4)
        XCTAssertEqual(stub.bodies.count, 4)
        XCTAssertEqual(
            stub.bodies[0],
            [
                "prompt": "a lighthouse", "negative_prompt": "", "seed": 11, "steps": 20, "cfg_scale": 7.5, "width": 768, "height": 768,
                "sampler_name": "Euler", "batch_size": 1, "n_iter": 1
            ])
        XCTAssertEqual(files(), ["M/a fox/11.jpg", "M/a fox/12.jpg", "M/a lighthouse/11.jpg", "M/a lighthouse/12.jpg"])
        // PNG in, the paper's JPEG out: the bytes Pillow writes for that PNG.
        let written = try Data(contentsOf: out.appendingPathComponent("M/a fox/12.jpg"))
        XCTAssertEqual(sha256Hex(written), try pillowJPEGSHA(StubImages.name(forSeed: 12)))
        let lines = try manifest()
        try assertManifestMatchesFiles(lines)
        XCTAssertEqual(lines[0]["endpoint"], .string("\(stub.url)/sdapi/v1/txt2img"))
        XCTAssertEqual(lines[0]["request"], stub.bodies[0])
        XCTAssertEqual(lines[0]["backend_info"]?["seed_used"], 11)
    }

    func testCommonOptionsAndExtraInputs() async throws {
        let settings = GenerationSettings(
            width: 512, height: 640, steps: 30, guidance: 5, negativePrompt: "blurry", sampler: "DPM++ 2M",
            extra: ["scheduler": "Karras", "restore_faces": false])
        try await generate(try plan(["a fox"], seeds: [3]), a1111(settings), options(format: .original))
        let body = try XCTUnwrap(stub.bodies.first)
        XCTAssertEqual(body["width"], 512)
        XCTAssertEqual(body["height"], 640)
        XCTAssertEqual(body["steps"], 30)
        XCTAssertEqual(body["cfg_scale"]?.doubleValue, 5)
        XCTAssertEqual(body["negative_prompt"], "blurry")
        XCTAssertEqual(body["sampler_name"], "DPM++ 2M")
        XCTAssertEqual(body["scheduler"], "Karras")
        XCTAssertEqual(body["restore_faces"], false)
        // --format original keeps the PNG the server sent, byte for byte.
        XCTAssertEqual(files(), ["M/a fox/3.png"])
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("M/a fox/3.png")), StubImages.png(forSeed: 3))
        XCTAssertEqual(try manifest()[0]["format"], "original")
    }

    /// 500, a hung connection, cut-off JSON and a truncated image are each retried.
    func testFailuresAreRetried() async throws {
        stub.faults.add("txt2img", [.status(500), .hang, .malformedJSON, .truncatedImage])
        let (summary, events) = try await generate(try plan(["a fox"], seeds: [1, 2]), a1111(), options(retries: 5, timeout: 0.5))
        XCTAssertEqual(summary.generated, 2)
        XCTAssertEqual(summary.retries, 4)
        let reasons = events.retryReasons
        XCTAssertTrue(reasons[0].contains("HTTP 500") && reasons[0].contains("CUDA out of memory"), reasons[0])
        XCTAssertTrue(reasons[1].contains("timed out"), reasons[1])
        XCTAssertTrue(reasons[2].contains("not JSON"), reasons[2])
        XCTAssertTrue(reasons[3].contains("truncated PNG"), reasons[3])
        try assertManifestMatchesFiles(try manifest())
    }

    func testWrongTypeStopsWithFastAPIsMessage() async throws {
        let e = await generateError(try plan(["a fox"], seeds: [1]), a1111(GenerationSettings(extra: ["n_iter": "two"])), options())
        guard case let .rejected(_, _, status, message)? = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(status, 422)
        XCTAssertTrue(message.contains("body.n_iter") && message.contains("Expected: integer"), message)
        XCTAssertEqual(stub.server.log.count, 1, "not retried")
    }

    func testUnknownSamplerStops() async throws {
        let e = await generateError(try plan(["a fox"], seeds: [1]), a1111(GenerationSettings(sampler: "K_EULER")), options())
        XCTAssertEqual(e, .rejected(backend: "a1111", url: "\(stub.url)/sdapi/v1/txt2img", status: 404, message: "Sampler not found"))
    }

    /// A server that draws with another seed than the one sent would make the study meaningless.
    func testServerIgnoringTheSeedStopsTheRun() async throws {
        stub.ignoreSeed = true
        let e = await generateError(try plan(["a fox"], seeds: [5]), a1111(), options())
        guard case let .protocolViolation(_, _, reason)? = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertTrue(reason.contains("seed 5") && reason.contains("used 6"), reason)
        XCTAssertEqual(files(), [])
    }

    func testExtraCannotOverrideThePromptOrSeed() async throws {
        XCTAssertThrowsError(
            try GenerationRun(plan: try plan(["a"], seeds: [1]), backend: a1111(GenerationSettings(extra: ["seed": 1])), options: options()))
    }
}
