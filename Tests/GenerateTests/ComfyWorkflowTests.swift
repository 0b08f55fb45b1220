import Foundation
import SCSGenerate
import XCTest

final class ComfyWorkflowTests: XCTestCase {
    func testPlaceholdersBecomeTypedValuesOrText() throws {
        let json = #"""
            {"3": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "cfg": "{{ guidance }}", "steps": "{{steps}}", "model": ["4", 0]}},
             "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}, oil on canvas, \"quoted\""}}}
            """#
        let w = try ComfyWorkflow(data: Data(json.utf8), path: "w.json")
        XCTAssertEqual(w.placeholders, ["seed", "guidance", "steps", "prompt"])
        let out = w.substituted(["seed": 42, "guidance": 7.5, "steps": 20, "prompt": "a \"cat\" {{seed}}"])
        XCTAssertEqual(out["3"]?["inputs"]?["seed"], .int(42))
        XCTAssertEqual(out["3"]?["inputs"]?["cfg"], .double(7.5))
        XCTAssertEqual(out["3"]?["inputs"]?["model"], ["4", 0])
        // Substituted text is not scanned again: a prompt holding "{{seed}}" stays as written.
        XCTAssertEqual(out["6"]?["inputs"]?["text"], .string("a \"cat\" {{seed}}, oil on canvas, \"quoted\""))
    }

    func testUnusableWorkflowsAreRefused() {
        func reason(_ json: String) -> String? {
            do {
                _ = try ComfyWorkflow(data: Data(json.utf8), path: "w.json")
                return nil
            } catch { return (error as? GenerateError)?.description }
        }
        XCTAssertTrue(reason(#"{"nodes": [], "links": []}"#)?.contains("API Format") == true)
        XCTAssertTrue(reason(#"{"1": {"class_type": "X", "inputs": {"text": "{{prompt}}"}}}"#)?.contains("{{seed}}") == true)
        XCTAssertTrue(reason(#"{"1": {"inputs": {}}}"#)?.contains("class_type") == true)
        XCTAssertTrue(reason("[1]")?.contains("not a JSON object") == true)
    }
}
