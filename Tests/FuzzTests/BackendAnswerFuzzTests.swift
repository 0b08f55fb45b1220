import Foundation
import GenerateStubs
import SCSGenerate
import TestSupport
import XCTest

/// Mutated answers from image servers (AUTOMATIC1111's txt2img JSON, OpenAI's images JSON), served
/// on loopback to a real `GenerationRun`: every answer ends as an image or as a failure whose
/// reason is one line; nothing traps.
final class BackendAnswerFuzzTests: XCTestCase {
    final class Current: @unchecked Sendable {
        let lock = NSLock()
        var body = Data()
        func set(_ d: Data) { lock.withLock { body = d } }
        func get() -> Data { lock.withLock { body } }
    }

    func fuzz(_ kind: BackendKind, seed: Data, iterations: Int) async throws -> FuzzReport {
        let current = Current()
        let server = try await StubServer.start { _ in
            StubResponse(status: 200, headers: [("Content-Type", "application/json")], body: current.get())
        }
        defer { Task { await server.stop() } }
        let work = try makeTemporaryDirectory("scs-fuzz-backend")
        defer { try? FileManager.default.removeItem(at: work) }
        let plan = try GenerationPlan(modelName: "M", prompts: [PromptRef(line: 1, text: "a cat")], seeds: [11])
        var config = BackendConfiguration(kind: kind, url: server.url)
        if let name = kind.secretName { config.secret = Secret(name: name, value: "sk-test", source: "the test") }
        config.openAIModel = "gpt-image-1"
        var report = FuzzReport(target: "backend-\(kind.rawValue)")
        var mutator = Mutator(seed: Fuzz.seed ^ UInt64(kind.rawValue.utf8.count))
        for i in 0..<(iterations + 1) {
            let body = i == 0 ? [UInt8](seed) : mutator.mutate([UInt8](seed), others: [])
            current.set(Data(body))
            Fuzz.recordCurrent(report.target, body)
            let out = work.appendingPathComponent("out-\(i)")
            let run = try GenerationRun(
                plan: plan, backend: config,
                options: GenerationOptions(outputDirectory: out, retry: RetryPolicy(retries: 0), timeout: 10))
            report.inputs += 1
            do {
                let summary = try await run.run()
                if let failure = summary.failed.first {
                    if failure.reason.contains("\n") || failure.reason.isEmpty {
                        report.badErrors.append((out.path, failure.reason))
                    } else {
                        report.refused += 1
                    }
                } else {
                    report.accepted += 1
                }
            } catch {
                let text = "\(error)"
                if text.contains("\n") || text.isEmpty { report.badErrors.append((out.path, text)) } else { report.refused += 1 }
            }
            try? FileManager.default.removeItem(at: out)
        }
        Fuzz.clearCurrent(report.target)
        return report
    }

    func testA1111AndOpenAIAnswers() async throws {
        let png = StubImages.png(forSeed: 1).base64EncodedString()
        let a1111 = Data(#"{"images": ["\#(png)"], "parameters": {"seed": 11, "steps": 20}, "info": "{\"seed\": 11, \"all_seeds\": [11]}"}"#.utf8)
        let openai = Data(#"{"created": 1700000000, "data": [{"b64_json": "\#(png)", "revised_prompt": "a cat"}]}"#.utf8)
        for (kind, seed) in [(BackendKind.a1111, a1111), (.openai, openai)] {
            let report = try await fuzz(kind, seed: seed, iterations: Fuzz.iterations(fallback: 60))
            print(report)
            XCTAssertEqual(report.badErrors.count, 0, "\(report.badErrors.prefix(3))")
            XCTAssertGreaterThan(report.accepted, 0, "the unmutated answer must make an image")
            XCTAssertGreaterThan(report.refused, 0)
        }
    }
}
