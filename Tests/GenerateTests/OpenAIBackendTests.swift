import Foundation
import GenerateStubs
@testable import SCSGenerate
import TestSupport
import XCTest

/// The openai backend against a loopback `/v1/images/generations`.
final class OpenAIBackendTests: StubbedGenerateTestCase<OpenAIStub> {
    func openai(_ model: String = "gpt-image-1", key: String = OpenAIStub.key, settings: GenerationSettings = .init()) -> BackendConfiguration {
        var c = config(.openai, stub.url, secret: key, settings: settings)
        c.openAIModel = model
        return c
    }

    /// No seed goes out: the seed only names the file, and the manifest says so.
    func testBase64ImagesAndSeedsThatAreOnlyLabels() async throws {
        let (summary, _) = try await generate(try plan(["a teapot"], seeds: [100, 101]), openai(), options())
        XCTAssertEqual(summary.generated, 2)
        XCTAssertEqual(
            stub.bodies,
            [
                ["model": "gpt-image-1", "prompt": "a teapot", "n": 1, "size": "1024x1024"],
                ["model": "gpt-image-1", "prompt": "a teapot", "n": 1, "size": "1024x1024"]
            ])
        XCTAssertTrue(stub.server.log.allSatisfy { $0.authorization == "Bearer \(OpenAIStub.key)" })
        XCTAssertEqual(files(), ["M/a teapot/100.jpg", "M/a teapot/101.jpg"])
        let lines = try manifest()
        try assertManifestMatchesFiles(lines)
        XCTAssertEqual(lines.map { $0["seed_sent"] }, [false, false])
        XCTAssertNil(lines[0]["request"]?["seed"])
    }

    func testDallE3AsksForBase64AndKeepsTheRevisedPrompt() async throws {
        try await generate(try plan(["a teapot"], seeds: [1]), openai("dall-e-3", settings: GenerationSettings(extra: ["quality": "hd"])), options())
        XCTAssertEqual(stub.bodies.first?["response_format"], "b64_json")
        XCTAssertEqual(stub.bodies.first?["quality"], "hd")
        XCTAssertEqual(try manifest()[0]["backend_info"]?["revised_prompt"], "A detailed rendering of a teapot")
    }

    /// OpenAI's 401 quotes the key it was given: the message keeps the rest and hides the key.
    func testRejectedKeyIsRedactedFromTheMessage() async throws {
        let wrong = "sk-wrong-key-that-must-not-leak-42"
        let e = await generateError(try plan(["a teapot"], seeds: [1]), openai(key: wrong), options())
        let text = try XCTUnwrap(e?.description)
        XCTAssertTrue(text.contains("Incorrect API key provided: <OPENAI_API_KEY redacted>"), text)
        XCTAssertFalse(text.contains(wrong), text)
    }

    func testRateLimitAndServerErrorsAreRetried() async throws {
        stub.faults.add("generate", [.status(429, retryAfter: "0"), .status(500), .truncatedImage])
        let (summary, events) = try await generate(try plan(["a teapot"], seeds: [1]), openai(), options())
        XCTAssertEqual(summary.generated, 1)
        XCTAssertEqual(events.retryReasons.count, 3)
        XCTAssertTrue(events.retryReasons[0].contains("Rate limit reached"), events.retryReasons[0])
    }

    func testSizeTheModelRefusesStopsWithItsMessage() async throws {
        let e = await generateError(try plan(["a teapot"], seeds: [1]), openai(settings: GenerationSettings(width: 768, height: 768)), options())
        guard case let .rejected(_, _, status, message)? = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(status, 400)
        XCTAssertTrue(message.contains("Invalid value: '768x768'"), message)
    }

    func testOptionsOpenAIDoesNotHaveAreRefusedBeforeAnyRequest() throws {
        XCTAssertThrowsError(
            try GenerationRun(
                plan: try plan(["a"], seeds: [1]), backend: openai(settings: GenerationSettings(steps: 20, guidance: 7.5)),
                options: options())
        ) { error in
            XCTAssertEqual(error as? GenerateError, .setting(.unsupported([.steps, .guidance], backend: .openai)))
            XCTAssertTrue("\(error)".contains("has no steps, guidance"), "\(error)")
        }
        XCTAssertEqual(stub.server.log.count, 0)
    }
}
