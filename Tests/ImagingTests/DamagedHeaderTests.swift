import Foundation
import SCSImaging
import TestSupport
import XCTest

/// Images whose header declares a zero side are errors that name the file, never a trap in the
/// preprocessing that follows (a fuzzed JPEG once ended in "Double value cannot be converted to
/// Int" in ImagePreprocessor.resizedSize).
final class DamagedHeaderTests: XCTestCase {
    /// The fixture JPEG with its SOF's height and width set to `height` and `width`.
    static func jpeg(height: UInt16, width: UInt16) throws -> [UInt8] {
        var bytes = [UInt8](try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("decode/jpeg-baseline-420-77x115.jpg")))
        var i = 2
        while i + 9 < bytes.count {
            guard bytes[i] == 0xFF else { i += 1; continue }
            let marker = bytes[i + 1]
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            if marker == 0xC0 || marker == 0xC2 {
                bytes[i + 5] = UInt8(height >> 8); bytes[i + 6] = UInt8(height & 0xFF)
                bytes[i + 7] = UInt8(width >> 8); bytes[i + 8] = UInt8(width & 0xFF)
                return bytes
            }
            i += 2 + length
        }
        XCTFail("no SOF marker")
        return bytes
    }

    func testZeroSidesAreErrorsNamingTheFile() throws {
        let dir = try makeTemporaryDirectory()
        for (h, w) in [(0, 0), (0, 77), (115, 0)] as [(UInt16, UInt16)] {
            let path = dir.appendingPathComponent("bad-\(h)x\(w).jpg").path
            try Data(try Self.jpeg(height: h, width: w)).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try ImageDecoder.decode(fileAt: path), "\(h)x\(w)") { error in
                XCTAssertTrue("\(error)".hasPrefix(path), "\(error)")
            }
        }
    }

    func testPreprocessorSizesNeverTrap() {
        let pre = ImagePreprocessor(size: 224)
        XCTAssertEqual(pre.resizedSize(width: 0, height: 0).width, 224)
        XCTAssertEqual(pre.resizedSize(width: 0, height: 5).height, 224)
        XCTAssertEqual(pre.resizedSize(width: 100, height: 200).height, 448)
    }
}
