import Foundation
import SCSModels
import SCSTensor
import TestSupport
import XCTest

/// `scs doctor`'s arithmetic check: SyntheticCLIP draws the weights PyTorch was given
/// (scripts/oracle/make_doctor_reference.py), so every path passes here; and a model with other
/// weights fails it, so the check can fail.
final class SelfCheckTests: XCTestCase {
    func testEveryPathAgreesWithPyTorch() throws {
        let results = try SelfCheck.run(workDirectory: try makeTemporaryDirectory())
        XCTAssertEqual(Set(results.filter { $0.precision == .fp32 }.map(\.path)), Set(KernelPath.allCases.filter(\.isSupported)))
        XCTAssertEqual(results.contains { $0.precision == .bf16 }, Precision.bf16.isSupported)
        for r in results {
            XCTAssertTrue(r.passed, "\(r)")
            XCTAssertTrue(r.batchInvariant)
            if r.precision == .fp32 { XCTAssertLessThan(r.maxRelativeError, 1e-6) }
        }
        XCTAssertEqual(SyntheticCLIP.tensorShapes(SyntheticCLIP.checkConfig).count, 40)
    }

    func testGeneratedModelLoadsAndDiffersBySeed() throws {
        let dir = try makeTemporaryDirectory()
        var config = SyntheticCLIP.checkConfig
        config.shape.layers = 1
        try SyntheticCLIP.write(config: config, seed: 1, to: dir.appendingPathComponent("a"))
        try SyntheticCLIP.write(config: config, seed: 2, to: dir.appendingPathComponent("b"))
        let a = try Data(contentsOf: dir.appendingPathComponent("a/model.safetensors"))
        let b = try Data(contentsOf: dir.appendingPathComponent("b/model.safetensors"))
        XCTAssertEqual(a.count, b.count)
        XCTAssertNotEqual(a, b)
        let model = try CLIPVisionModel(directory: dir.appendingPathComponent("a"))
        XCTAssertEqual(model.config.layers, 1)
        XCTAssertEqual(model.config.projectionDim, 16)
        var g = SyntheticCLIP.Generator(seed: 0)
        let draws = (0..<1000).map { _ in g.uniform() }
        XCTAssertTrue(draws.allSatisfy { $0 >= -1 && $0 < 1 })
        XCTAssertGreaterThan(Set(draws).count, 990)
    }
}
