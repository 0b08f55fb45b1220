import XCTest
@testable import SCSScoring

final class CSVTests: XCTestCase {
    func testFieldsRoundTripThroughEscapeAndParse() throws {
        let rows = [["plain", "a, comma", "a \"quote\"", "two\nlines", "crlf\r\nend", ""], ["x", "", "\"", ",", "y", "z"]]
        let text = rows.map(CSV.row).joined()
        XCTAssertEqual(try CSV.parse(text, path: "t.csv"), rows)
    }

    func testQuotingIsWhatTheWritersHaveAlwaysWritten() {
        XCTAssertEqual(CSV.escape("a cat"), "a cat", "a field that needs no quotes is written bare")
        XCTAssertEqual(CSV.escape("a, \"red\" dog"), "\"a, \"\"red\"\" dog\"")
        XCTAssertEqual(CSV.escape("a\r\nb"), "\"a\r\nb\"")
        XCTAssertEqual(CSV.row(["m", "p, q", "1.5"]), "m,\"p, q\",1.5\n")
    }

    func testRecordsKnowTheLineTheyStartOn() throws {
        let text = "h1,h2\n\"two\nlines\",x\r\nlast,y\n"
        let records = try CSV.records(text, path: "t.csv")
        XCTAssertEqual(records.map(\.line), [1, 2, 4])
        XCTAssertEqual(records[1].fields, ["two\nlines", "x"])
        XCTAssertTrue(try CSV.records("a\n  \nb\n", path: "t.csv")[1].isBlank)
    }

    func testAnUnterminatedQuoteNamesTheFileAndLine() {
        XCTAssertThrowsError(try CSV.parse("h\nok\n\"open\nstill open\n", path: "/d/bad.csv")) {
            XCTAssertEqual($0 as? CSVError, CSVError(path: "/d/bad.csv", line: 5, reason: "unterminated quoted field"))
            XCTAssertEqual("\($0)", "/d/bad.csv:5: unterminated quoted field")
        }
    }

    func testAManifestKeepsItsOwnError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scs-csv-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("images.csv").path
        try "model,prompt,path\nm,\"p,x.jpg\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Dataset.manifest(at: path)) {
            XCTAssertEqual($0 as? DatasetError, .badManifest(path: path, line: 3, reason: "unterminated quoted field"))
        }
    }
}
