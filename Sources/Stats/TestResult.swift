import Foundation

/// The outcome of one hypothesis test: SciPy's statistic and p-value, or the reason it could not
/// be computed (too few observations, zero variance, …) — never a silent NaN.
public struct TestResult: Sendable, Equatable {
    /// The SciPy function this reproduces, e.g. "wilcoxon".
    public let test: String
    /// SciPy's statistic and two-sided p-value; nil when not computable.
    public let statistic: Double?
    public let pvalue: Double?
    /// How the p-value was computed ("exact", "asymptotic", "permutation"), as SciPy chose.
    public let method: String?
    /// Further numbers SciPy reports with the test (degrees of freedom, loc and scale, …).
    public let extra: [String: Double]
    /// Why there is no statistic or p-value; nil when there are both.
    public let notComputable: String?
    /// A caveat to print beside the result.
    public let note: String?
}

// The initialisers live in an extension so that the struct keeps Swift's memberwise one
// (internal), which they call.
extension TestResult {
    public init(
        test: String, statistic: Double, pvalue: Double, method: String? = nil,
        extra: [String: Double] = [:], note: String? = nil
    ) {
        // A NaN out of the arithmetic is a case the caller did not foresee: say so rather than
        // print it.
        if statistic.isNaN || pvalue.isNaN {
            self.init(test: test, reason: "the statistic is undefined for these data (NaN)")
        } else {
            self.init(
                test: test, statistic: statistic, pvalue: pvalue, method: method, extra: extra,
                notComputable: nil, note: note)
        }
    }

    /// A test that could not be computed, with the reason in plain words.
    public init(test: String, reason: String) {
        self.init(test: test, statistic: nil, pvalue: nil, method: nil, extra: [:], notComputable: reason, note: nil)
    }

    /// Whether there is a statistic and a p-value.
    public var isComputable: Bool { notComputable == nil }

    /// The same result with another p-value (Holm's adjustment keeps the statistic).
    func with(extra key: String, _ value: Double) -> TestResult {
        guard let statistic, let pvalue else { return self }
        var e = extra
        e[key] = value
        return TestResult(test: test, statistic: statistic, pvalue: pvalue, method: method, extra: e, note: note)
    }

    /// `{"statistic", "pvalue", "method", …}` or `{"statistic": null, "pvalue": null, "not_computable": reason}`.
    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [("statistic", .double(statistic)), ("pvalue", .double(pvalue))]
        if let method { pairs.append(("method", .string(method))) }
        for key in extra.keys.sorted() { pairs.append((key, .double(extra[key]))) }
        if let notComputable { pairs.append(("not_computable", .string(notComputable))) }
        if let note { pairs.append(("note", .string(note))) }
        return .object(pairs)
    }
}
