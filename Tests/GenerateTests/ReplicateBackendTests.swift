import Foundation
import GenerateStubs
@testable import SCSGenerate
import SCSImaging
import TestSupport
import XCTest

/// The replicate backend against a loopback copy of Replicate's predictions API.
final class ReplicateBackendTests: StubbedGenerateTestCase<ReplicateStub> {
    func replicate(_ preset: ReplicatePreset? = .paperSDXL, token: String = ReplicateStub.token, extra: [String: JSONValue] = [:])
        -> BackendConfiguration
    {
        var c = config(.replicate, stub.url, secret: token, settings: GenerationSettings(extra: extra))
        c.preset = preset
        return c
    }

    /// The inputs of the paper's generate_images.py, written out here independently of the presets.
    static let paperSDXLInput: [String: JSONValue] = [
        "width": 768, "height": 768, "refine": "no_refiner", "scheduler": "K_EULER", "lora_scale": 0.6, "num_outputs": 1,
        "guidance_scale": 7.5, "apply_watermark": false, "negative_prompt": "", "prompt_strength": 0.8, "num_inference_steps": 20
    ]
    static let paperPixArtInput: [String: JSONValue] = [
        "style": "None", "width": 768, "height": 768, "scheduler": "K_EULER", "num_outputs": 1, "guidance_scale": 7.5,
        "num_inference_steps": 20
    ]

    func testThePapersPresetsSendExactlyThePapersInputs() async throws {
        let cases: [(ReplicatePreset, String, [String: JSONValue], String)] = [
            (.paperSDXL, "39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b", Self.paperSDXLInput, "a person's eye"),
            (.paperPixArt, "816c99673841b9448bc2539834c16d40e0315bbf92fef0317b57a226727409bb", Self.paperPixArtInput, "a person's eye"),
            (
                .paperSDXLLoRA, "7f5d28ab8ed4de56770de0402ac91f1d6ffe3caff39c4b979ed3ed0779a452ed", Self.paperSDXLInput,
                "a person's eye in the style of TOK"
            )
        ]
        for (preset, version, input, prompt) in cases {
            stub.server.clearLog()
            try? FileManager.default.removeItem(at: out)
            let seeds: [Int64] = [892834, 318110]
            let (summary, _) = try await generate(try plan([prompt], seeds: seeds, model: preset.modelName), replicate(preset), options(timeout: 120))
            XCTAssertEqual(summary.generated, 2, preset.name)
            let creates = stub.server.log.filter { $0.method == "POST" }
            XCTAssertEqual(creates.count, 2)
            for (request, seed) in zip(creates, seeds) {
                var expected = input
                expected["prompt"] = .string(prompt)
                expected["seed"] = .int(seed)
                XCTAssertEqual(request.json, .object(["version": .string(version), "input": .object(expected)]), preset.name)
                XCTAssertEqual(request.authorization, "Bearer \(ReplicateStub.token)")
                XCTAssertEqual(request.headers["prefer"], "wait=60")
            }
            // The published layout: <model>/<prompt with ' as _>/<seed>.jpg, and the paper's JPEG bytes.
            let folder = "\(preset.modelName)/\(prompt.replacingOccurrences(of: "'", with: "_"))"
            XCTAssertEqual(files(), ["\(folder)/318110.jpg", "\(folder)/892834.jpg"])
            for seed in seeds {
                let data = try Data(contentsOf: out.appendingPathComponent("\(folder)/\(seed).jpg"))
                XCTAssertEqual(sha256Hex(data), try pillowJPEGSHA(StubImages.name(forSeed: seed)))
            }
            let lines = try manifest()
            XCTAssertEqual(lines.count, 2)
            try assertManifestMatchesFiles(lines)
            let first = lines[0]
            XCTAssertEqual(first["model"], .string(preset.modelName))
            XCTAssertEqual(first["prompt"], .string(prompt))
            XCTAssertEqual(first["seed"], .int(892834))
            XCTAssertEqual(first["seed_sent"], true)
            XCTAssertEqual(first["backend"], "replicate")
            XCTAssertEqual(first["preset"], .string(preset.name))
            XCTAssertEqual(first["endpoint"], .string("\(stub.url)/v1/predictions"))
            XCTAssertEqual(first["request"], creates[0].json)
            XCTAssertEqual(first["format"], "jpeg")
            XCTAssertEqual(first["jpeg_quality"], 75)
            let served = try ImageDecoder.decode([UInt8](StubImages.png(forSeed: 892834)))
            XCTAssertEqual(first["width"]?.intValue, Int64(served.width))
            XCTAssertEqual(first["height"]?.intValue, Int64(served.height))
            XCTAssertEqual(first["source_format"], "png")
            XCTAssertNotNil(first["seconds"]?.doubleValue)
            XCTAssertEqual(first["retries"], 0)
            XCTAssertNotNil(first["backend_info"]?["prediction_id"]?.stringValue)
            XCTAssertFalse(String(decoding: try Data(contentsOf: manifestURL), as: UTF8.self).contains(ReplicateStub.token))
        }
    }

    /// When `Prefer: wait` returns before the model is done, the prediction is polled.
    func testPollsWhenTheSynchronousWaitEndsFirst() async throws {
        stub.syncCompletes = false
        stub.pollsBeforeDone = 2
        try await generate(try plan(["a rocket"], seeds: [1, 2]), replicate(), options())
        let polls = stub.server.log.filter { $0.method == "GET" && $0.path.hasPrefix("/v1/predictions/") }
        XCTAssertEqual(polls.count, 6, "two 'processing' and one 'succeeded' per image")
        XCTAssertTrue(polls.allSatisfy { $0.authorization == "Bearer \(ReplicateStub.token)" })
        XCTAssertEqual(files().count, 2)
    }

    /// `Prefer: wait` never outlasts our own timeout.
    func testSynchronousWaitStaysWithinTheTimeout() async throws {
        try await generate(try plan(["a rocket"], seeds: [1]), replicate(), options(timeout: 20))
        XCTAssertEqual(stub.server.log.first?.headers["prefer"], "wait=15")
    }

    /// 429 (waiting as long as Retry-After says), 500 and cut-off JSON are retried; the manifest
    /// counts them.
    func testRetries429HonouringRetryAfter500AndMalformedJSON() async throws {
        stub.faults.add("create", [.status(429, retryAfter: "1"), .status(500), .malformedJSON])
        let (summary, events) = try await generate(try plan(["a rocket"], seeds: [7]), replicate(), options())
        XCTAssertEqual(summary.generated, 1)
        XCTAssertEqual(summary.retries, 3)
        let creates = stub.server.log.filter { $0.method == "POST" }
        XCTAssertEqual(creates.count, 4)
        XCTAssertGreaterThanOrEqual(creates[1].time.timeIntervalSince(creates[0].time), 0.95, "Retry-After: 1 is honoured")
        XCTAssertLessThan(creates[3].time.timeIntervalSince(creates[1].time), 0.9, "the other retries use the tiny test backoff")
        let reasons = events.retryReasons
        XCTAssertTrue(reasons[0].contains("HTTP 429") && reasons[0].contains("throttled"), reasons[0])
        XCTAssertTrue(reasons[1].contains("HTTP 500"), reasons[1])
        XCTAssertTrue(reasons[2].contains("not JSON"), reasons[2])
        XCTAssertEqual(try manifest()[0]["retries"], 3)
    }

    /// A server that accepts the connection and never answers: the request times out and is sent again.
    func testHungConnectionTimesOutAndIsRetried() async throws {
        stub.faults.add("create", [.hang])
        let started = Date()
        let (summary, events) = try await generate(try plan(["a rocket"], seeds: [7]), replicate(), options(timeout: 0.5))
        XCTAssertEqual(summary.generated, 1)
        XCTAssertTrue(events.retryReasons.first?.contains("timed out") == true, "\(events.retryReasons)")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    /// A truncated download is fetched again; the prediction, which succeeded, is not re-run.
    func testTruncatedImageIsDownloadedAgainWithoutANewPrediction() async throws {
        stub.faults.add("download", [.truncatedImage, .status(503)])
        let (summary, events) = try await generate(try plan(["a rocket"], seeds: [5]), replicate(), options())
        XCTAssertEqual(summary.generated, 1)
        XCTAssertEqual(stub.server.log.filter { $0.method == "POST" }.count, 1)
        let downloads = stub.server.log.filter { $0.path.hasPrefix("/files/") }
        XCTAssertEqual(downloads.count, 3)
        XCTAssertTrue(downloads.allSatisfy { $0.authorization == nil }, "the token never goes to a file URL")
        XCTAssertTrue(events.retryReasons[0].contains("unusable"), events.retryReasons[0])
        try assertManifestMatchesFiles(try manifest())
    }

    /// A bad token is not retried: the run stops at once with Replicate's message.
    func testBadTokenStopsWithTheServersMessage() async throws {
        let e = await generateError(try plan(["a rocket"], seeds: [1, 2]), replicate(token: "r8_wrong_token_value"), options())
        guard case let .rejected(backend, _, status, message)? = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(backend, "replicate")
        XCTAssertEqual(status, 401)
        XCTAssertTrue(message.contains("You did not pass a valid authentication token"), message)
        XCTAssertTrue(e!.description.contains("check the API token"))
        XCTAssertFalse(e!.description.contains("r8_wrong_token_value"))
        XCTAssertEqual(stub.server.log.count, 1)
        XCTAssertEqual(files(), [])
    }

    /// Input the model refuses (422) stops the run with the field and the reason.
    func testInvalidInputStopsWithTheFieldAndReason() async throws {
        let e = await generateError(
            try plan(["a rocket"], seeds: [1]), replicate(extra: ["scheduler": "K_WRONG", "apply_watermark": "no"]), options())
        guard case let .rejected(_, _, status, message)? = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(status, 422)
        XCTAssertTrue(message.contains("input.scheduler") && message.contains("K_WRONG is not one of"), message)
        XCTAssertTrue(message.contains("input.apply_watermark") && message.contains("Expected: boolean"), message)
        XCTAssertEqual(stub.server.log.count, 1)
    }

    /// A failed prediction fails that image only; the others are made and recorded, and the
    /// failed one is listed for the rerun.
    func testFailedPredictionFailsOnlyThatImage() async throws {
        stub.failSeeds = [2]
        let (summary, _) = try await generate(try plan(["a rocket"], seeds: [1, 2, 3], model: "SDXL"), replicate(), options())
        XCTAssertEqual(summary.generated, 2)
        XCTAssertEqual(summary.failed.count, 1)
        XCTAssertEqual(summary.failed[0].path, "SDXL/a rocket/2.jpg")
        XCTAssertTrue(summary.failed[0].reason.contains("NSFW"), summary.failed[0].reason)
        XCTAssertEqual(try manifest().compactMap { $0["seed"]?.intValue }.sorted(), [1, 3])
        // The rerun asks only for the missing one.
        stub.failSeeds = []
        stub.server.clearLog()
        let (again, _) = try await generate(try plan(["a rocket"], seeds: [1, 2, 3], model: "SDXL"), replicate(), options())
        XCTAssertEqual(again.generated, 1)
        XCTAssertEqual(stub.created.compactMap { $0["input"]?["seed"]?.intValue }, [2])
    }

    /// A prediction that runs past --job-timeout is canceled (it costs money while it runs) and
    /// fails that image.
    func testPredictionThatNeverFinishesIsCanceled() async throws {
        stub.syncCompletes = false
        stub.pollsBeforeDone = 1_000_000
        var c = replicate()
        c.jobTimeout = 0.1
        let (summary, _) = try await generate(try plan(["a rocket"], seeds: [1]), c, options())
        XCTAssertEqual(summary.failed.count, 1)
        XCTAssertTrue(summary.failed[0].reason.contains("did not finish within"), summary.failed[0].reason)
        XCTAssertEqual(stub.server.log.last?.path, "/v1/predictions/stubpred0001/cancel")
        XCTAssertEqual(stub.server.log.last?.authorization, "Bearer \(ReplicateStub.token)")
    }

    func testGivesUpWhenRetriesRunOut() async throws {
        stub.faults.add("create", Array(repeating: .status(502), count: 3))
        let e = await generateError(try plan(["a rocket"], seeds: [1]), replicate(), options(retries: 2))
        guard case let .gaveUp(_, _, attempts, reason)? = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(attempts, 3)
        XCTAssertTrue(reason.contains("HTTP 502"), reason)
        XCTAssertTrue(e!.description.contains("run the same command again to resume"))
    }

    func testMissingTokenIsAnErrorBeforeAnyRequest() async throws {
        var c = replicate()
        c.secret = nil
        let e = await generateError(try plan(["a rocket"], seeds: [1]), c, options())
        XCTAssertEqual(e, .missingSecret(name: "REPLICATE_API_TOKEN", backend: "replicate", envFile: ".env"))
        XCTAssertEqual(stub.server.log.count, 0)
    }
}
