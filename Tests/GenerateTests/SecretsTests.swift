import Foundation
import SCSGenerate
import TestSupport
import XCTest

/// Tokens come from the environment, else from `.env` (as python-dotenv reads it), and never
/// print.
final class SecretsTests: XCTestCase {
    func testDotEnvFormats() {
        let text = """
            # a comment
            REPLICATE_API_TOKEN = "r8_quoted"
            export OPENAI_API_KEY=sk-plain # trailing comment
            SINGLE='it''s'
            ESCAPED="a \\"b\\" c"
            EMPTY=
            not a line
            """
        let env = DotEnv.parse(text)
        XCTAssertEqual(env["REPLICATE_API_TOKEN"], "r8_quoted")
        XCTAssertEqual(env["OPENAI_API_KEY"], "sk-plain")
        XCTAssertEqual(env["SINGLE"], "it")
        XCTAssertEqual(env["ESCAPED"], "a \"b\" c")
        XCTAssertEqual(env["EMPTY"], "")
        XCTAssertEqual(env.count, 5)
    }

    func testEnvironmentWinsOverTheFileAndNothingPrints() throws {
        let dir = try makeTemporaryDirectory("scs-secrets")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent(".env")
        try Data("REPLICATE_API_TOKEN=r8_from_file_123\n".utf8).write(to: file)
        let fromFile = try XCTUnwrap(Secrets.load("REPLICATE_API_TOKEN", environment: [:], envFile: file))
        XCTAssertEqual(fromFile.source, file.path)
        let fromEnv = try XCTUnwrap(Secrets.load("REPLICATE_API_TOKEN", environment: ["REPLICATE_API_TOKEN": "r8_env_456"], envFile: file))
        XCTAssertEqual(fromEnv.source, "the environment")
        XCTAssertNil(Secrets.load("OPENAI_API_KEY", environment: ["OPENAI_API_KEY": " "], envFile: file))
        for text in ["\(fromFile)", String(describing: fromFile), String(reflecting: fromFile), "\([fromEnv])"] {
            XCTAssertFalse(text.contains("r8_from_file_123") || text.contains("r8_env_456"), text)
        }
        XCTAssertEqual(fromFile.redact("bad token r8_from_file_123!"), "bad token <REPLICATE_API_TOKEN redacted>!")
    }
}
