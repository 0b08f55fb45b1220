import SCSGenerate
import XCTest

/// A setting problem names its setting in plain words for a Swift caller, and as a caller's own
/// wording says (the command line gives flags).
final class SettingProblemTests: XCTestCase {
    let samples: [SettingProblem] = [
        .outOfRange(.width, value: 0, range: 1...16384), .outOfRange(.replicateWait, value: 90, range: 1...60, unit: "seconds"),
        .tooSmall(.concurrency, value: 0, least: 1), .tooSmall(.retries, value: -1, least: 0), .notPositive(.timeout, value: 0),
        .notANumber(.guidance), .malformed(.replicateModel, value: "x", expected: "owner/name"),
        .onlyFor([.replicateModel, .replicateVersion], backend: .replicate), .backendNeeds(.comfyui, oneOf: [.workflow]),
        .backendNeeds(.replicate, oneOf: [.preset, .replicateModel]), .unsupported([.steps, .sampler], backend: .openai),
        .reservedExtraKey("seed", backend: .a1111), .noPlaceholder(workflow: "w.json", setting: .steps, placeholder: "steps"),
        .noPlaceholder(workflow: "w.json", setting: .extra, placeholder: "lora"), .unknownPlaceholders(workflow: "w.json", ["lora"]),
        .pastFile(.count, value: 5, path: "seeds.txt", available: 2), .notAFolderName(.modelName, value: "..", reason: "a dot folder")
    ]

    func testPlainWordsNameNoFlag() {
        for problem in samples {
            XCTAssertFalse(problem.description.contains("--"), problem.description)
            XCTAssertEqual(GenerateError.setting(problem).description, problem.description)
        }
        XCTAssertEqual(SettingProblem.outOfRange(.width, value: 0, range: 1...16384).description, "width must be between 1 and 16384")
        XCTAssertEqual(SettingProblem.onlyFor([.preset], backend: .replicate).description, "preset is for the replicate backend")
        XCTAssertEqual(
            SettingProblem.pastFile(.count, value: 5, path: "seeds.txt", available: 2).description,
            "seed count 5 but seeds.txt has only 2 seeds")
    }

    func testACallersWordingNamesItsOwn() {
        let flags = GenerationWording(setting: { "--" + $0.rawValue }, giving: { "--" + $0.rawValue + " X" }, backend: { "--backend " + $0.rawValue })
        XCTAssertEqual(
            SettingProblem.onlyFor([.replicateModel, .replicateVersion], backend: .replicate).describe(flags),
            "--replicateModel and --replicateVersion are for --backend replicate")
        XCTAssertEqual(SettingProblem.tooSmall(.retries, value: -1, least: 0).describe(flags), "--retries must be 0 or more")
        XCTAssertEqual(
            SettingProblem.noPlaceholder(workflow: "w.json", setting: .extra, placeholder: "lora").describe(flags),
            "ComfyUI workflow w.json: --extra sets \"lora\" but the workflow has no {{lora}} placeholder")
    }
}
