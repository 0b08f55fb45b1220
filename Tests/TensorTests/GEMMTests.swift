import Foundation
import SCSTensor
import XCTest

/// The GEMM engine (CKernels) against its definition: every output is bias + one fma chain over
/// k in order, so an fp32 result must equal a plain Swift loop of `addingProduct` to the bit, on
/// every kernel path this CPU runs, for shapes that hit every edge (rows and columns that do not
/// fill a tile, K that is not a multiple of the K block).
final class GEMMTests: XCTestCase {
    override func tearDown() { KernelPath.force(nil) }

    /// Deterministic pseudo-random floats in [-1, 1).
    static func randoms(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Float(Int64(bitPattern: state >> 11) % (1 << 24)) / Float(1 << 24) * 2 - 1
        }
    }

    /// out = bias + x·Wᵀ by the definition: c = fma(x[k], w[k], c) for k in order.
    static func reference(x: [Float], w: [Float], bias: [Float], m: Int, n: Int, k: Int) -> [Float] {
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var c = bias[j]
                for kk in 0..<k { c = c.addingProduct(x[i * k + kk], w[j * k + kk]) }
                out[i * n + j] = c
            }
        }
        return out
    }

    func run(_ x: [Float], _ weight: PackedMatrix, _ bias: [Float], m: Int) -> [Float] {
        let n = weight.outFeatures
        var out = [Float](repeating: .nan, count: m * n)
        let scratch = GEMMScratch(rows: m)
        x.withUnsafeBufferPointer { xp in
            bias.withUnsafeBufferPointer { bp in
                out.withUnsafeMutableBufferPointer { op in
                    linear(xp.baseAddress!, rows: m, weight: weight, bias: bp.baseAddress!, into: op.baseAddress!, scratch: scratch)
                }
            }
        }
        return out
    }

    func testFloat32EqualsTheFMAChainOnEveryPath() throws {
        let shapes: [(m: Int, n: Int, k: Int)] = [(1, 1, 1), (5, 17, 3), (13, 33, 257), (50, 64, 64), (37, 50, 520), (25, 96, 768)]
        var paths = 0
        for path in KernelPath.allCases where path.isSupported {
            XCTAssertTrue(KernelPath.force(path))
            XCTAssertEqual(KernelPath.current, path)
            paths += 1
            for (s, shape) in shapes.enumerated() {
                let x = Self.randoms(shape.m * shape.k, seed: UInt64(10 + s))
                let w = Self.randoms(shape.n * shape.k, seed: UInt64(100 + s))
                let bias = Self.randoms(shape.n, seed: UInt64(1000 + s))
                let packed = try PackedMatrix(weight: w, outFeatures: shape.n, inFeatures: shape.k)
                let got = run(x, packed, bias, m: shape.m)
                let expected = Self.reference(x: x, w: w, bias: bias, m: shape.m, n: shape.n, k: shape.k)
                let mismatches = zip(got, expected).filter { $0.0.bitPattern != $0.1.bitPattern }.count
                XCTAssertEqual(mismatches, 0, "\(path) \(shape): \(mismatches) of \(got.count) outputs differ from the fma chain")
            }
        }
        XCTAssertGreaterThanOrEqual(paths, 1)
        print("GEMM: fp32 equals the fma chain bit for bit on \(KernelPath.allCases.filter(\.isSupported).map(\.rawValue))")
    }

    /// Rows never mix: the first rows' results are the same bits whatever M is, in every precision.
    func testRowsDoNotDependOnTheOtherRows() throws {
        let n = 80, k = 300
        let x = Self.randoms(40 * k, seed: 7), w = Self.randoms(n * k, seed: 8), bias = Self.randoms(n, seed: 9)
        for precision in Precision.allCases where precision.isSupported {
            let packed = try PackedMatrix(weight: w, outFeatures: n, inFeatures: k, precision: precision)
            let all = run(x, packed, bias, m: 40)
            for m in 1...17 {
                // The same rows, at a shifted position: rows s..<s+m of x.
                for shift in [0, 3] {
                    let part = Array(x[(shift * k)..<((shift + m) * k)])
                    let got = run(part, packed, bias, m: m)
                    XCTAssertEqual(
                        got.map(\.bitPattern), all[(shift * n)..<((shift + m) * n)].map(\.bitPattern),
                        "\(precision): M=\(m), shift \(shift)")
                }
            }
        }
    }

    func testBFloat16IsCloseToFloat32() throws {
        guard Precision.bf16.isSupported else {
            XCTAssertNotNil(Precision.bf16.unsupportedReason)
            throw XCTSkip("this CPU has no AVX512-BF16: \(Precision.bf16.unsupportedReason!)")
        }
        let m = 29, n = 70, k = 771
        let x = Self.randoms(m * k, seed: 3), w = Self.randoms(n * k, seed: 4), bias = Self.randoms(n, seed: 5)
        let expected = Self.reference(x: x, w: w, bias: bias, m: m, n: n, k: k)
        let got = run(x, try PackedMatrix(weight: w, outFeatures: n, inFeatures: k, precision: .bf16), bias, m: m)
        // Two bf16 roundings (relative error 2^-9 each) over k random terms: ~ 2^-8 · sqrt(k/3) · |x||w|.
        var worst: Float = 0
        for (g, e) in zip(got, expected) { worst = max(worst, abs(g - e)) }
        XCTAssertLessThan(worst, 0.15, "worst absolute error \(worst)")
        XCTAssertGreaterThan(worst, 0, "bf16 should differ from fp32 somewhere")
    }

    func testCPUIsDescribed() {
        XCTAssertFalse(CPU.brand.isEmpty)
        XCTAssertTrue(KernelPath.generic.isSupported)
        XCTAssertTrue(KernelPath.current.isSupported)
        if KernelPath.avx512.isSupported { XCTAssertTrue(CPU.extensions.contains("avx512f")) }
        if KernelPath.avx2.isSupported { XCTAssertTrue(CPU.extensions.contains("avx2")) }
    }
}
