import Foundation
import TestSupport
import XCTest

/// The SciPy oracle's committed answers (scripts/oracle/make_stats_fixtures.py) and the
/// tolerance every parity test applies: relative 1e-9, or absolute 1e-12 where SciPy's value
/// is below 1e-12 in magnitude (p-values that underflow, statistics that are rounding noise).
enum Oracle {
    static let relativeTolerance = 1e-9
    static let absoluteTolerance = 1e-12

    static func load(_ name: String) throws -> [String: Any] {
        let url = TestPaths.fixtures.appendingPathComponent("stats/\(name)")
        return try XCTUnwrap(try loadJSON(url) as? [String: Any], "\(name) is not a JSON object")
    }

    /// A fixture number: a JSON number, or "inf" / "-inf"; nil for null (NaN in SciPy).
    static func number(_ value: Any?) -> Double? {
        // JSONSerialization hands long decimals over as NSDecimalNumber, whose doubleValue is
        // off in the last digits: read the decimal text instead, which strtod rounds exactly.
        if let n = value as? NSNumber { return Double(n.description) ?? n.doubleValue }
        if let s = value as? String { return s == "inf" ? .infinity : s == "-inf" ? -.infinity : Double(s) }
        return nil
    }

    /// A list of numbers, or `{"arange": [n, start, step]}` for start + i·step, i < n (large
    /// samples kept out of the fixture; the values are dyadic, so exact in any language).
    static func numbers(_ value: Any?) -> [Double] {
        if let spec = (value as? [String: Any])?["arange"] as? [Any], spec.count == 3,
            let n = number(spec[0]), let start = number(spec[1]), let step = number(spec[2])
        {
            return (0..<Int(n)).map { start + Double($0) * step }
        }
        return (value as? [Any] ?? []).compactMap { number($0) }
    }

    /// |ours − ref| / |ref| (|ours − ref| when ref = 0; 0 when both are the same infinity).
    static func relativeError(_ ours: Double, _ ref: Double) -> Double {
        if ours == ref { return 0 }
        if ours.isNaN || ref.isNaN || ours.isInfinite || ref.isInfinite { return .infinity }
        return ref == 0 ? abs(ours) : abs(ours - ref) / abs(ref)
    }

    /// Whether `ours` matches SciPy's `ref` within the tolerance.
    static func matches(_ ours: Double, _ ref: Double) -> Bool {
        if relativeError(ours, ref) <= relativeTolerance { return true }
        return abs(ref) < absoluteTolerance && abs(ours - ref) <= absoluteTolerance
    }
}

/// The worst relative error seen per function, for the report test to print.
final class ErrorLedger {
    private(set) var worst: [String: (error: Double, context: String)] = [:]
    private(set) var comparisons = 0

    /// Records one comparison and fails the test when it is out of tolerance.
    func check(
        _ function: String, _ ours: Double?, _ ref: Double?, _ context: @autoclosure () -> String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        comparisons += 1
        guard let ref else {
            XCTAssertNil(ours, "\(function) \(context()): SciPy gives NaN, we give \(ours!)", file: file, line: line)
            return
        }
        guard let ours else {
            XCTFail("\(function) \(context()): SciPy gives \(ref), we give nothing", file: file, line: line)
            return
        }
        let error = Oracle.relativeError(ours, ref)
        // Values SciPy returns below 1e-300 are at the edge of underflow: checked absolutely,
        // kept out of the relative ledger.
        if abs(ref) >= 1e-300 || ref == 0, error > (worst[function]?.error ?? -1) {
            worst[function] = (error, context() + " ours \(ours) scipy \(ref)")
        }
        XCTAssertTrue(
            Oracle.matches(ours, ref), "\(function) \(context()): ours \(ours), SciPy \(ref), relative error \(error)",
            file: file, line: line)
    }

    var report: String {
        worst.keys.sorted().map { key in
            let w = worst[key]!
            return "  " + key.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%.2e", w.error) + "   (" + w.context + ")"
        }.joined(separator: "\n")
    }
}
