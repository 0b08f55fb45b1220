import Foundation
import SCSScoring
import SCSStats

/// What `compare --power` adds to a two-sided comparison: the prompts needed (`PairedPower`)
/// and the line printed beside the verdict.
public enum ComparisonPower {
    /// The power search on the comparison's paired differences a − b, shifted to `difference`
    /// (default: their mean); `seed` is the comparison's.
    public static func estimate(
        _ c: PairedComparison, difference: Double? = nil, alpha: Double = 0.05, target: Double = 0.8, draws: Int = 1000,
        seed: UInt64 = 0
    ) -> PairedPower {
        let d = zip(c.x, c.y).map { $0 - $1 }
        return PairedPower(
            differences: d, difference: difference ?? c.effect.meanDifference, alpha: alpha, target: target, draws: draws, seed: seed)
    }

    /// Whether the verdict called the difference significant (Wilcoxon p < 0.05, its rule).
    public static func significant(_ c: PairedComparison) -> Bool {
        (c[test: "wilcoxon"]?.pvalue).map { $0 < 0.05 } ?? false
    }

    /// "not significant; about 23 prompts would detect a difference of +4.0 SCS with power 0.8".
    public static func line(_ c: PairedComparison, _ power: PairedPower) -> String {
        (significant(c) ? "power: " : "not significant; ") + power.sentence(unit: c.reading.unit)
    }

    /// `document` with a `power` object (the estimate and the printed line) added.
    public static func adding(_ power: PairedPower, line: String, to document: JSONValue) -> JSONValue {
        guard case .object(var fields) = document, case .object(var p) = power.json else { return document }
        p.append(("sentence", .string(line)))
        fields.append(("power", .object(p)))
        return .object(fields)
    }
}

/// A metric whose value depends on the number of images compared across groups of different
/// sizes: the first two groups that differ, as data; the command words the way out.
public struct UnequalImageCounts: Error, Equatable, Sendable, CustomStringConvertible {
    public let metric: Metric
    public let first: (model: String, prompt: String, n: Int)
    public let second: (model: String, prompt: String, n: Int)

    public static func == (l: Self, r: Self) -> Bool {
        l.metric == r.metric && l.first == r.first && l.second == r.second
    }

    public var description: String {
        "\(metric.rawValue) depends on the number of images, and the groups compared differ: \(first.model)/\(first.prompt) has \(first.n), "
            + "\(second.model)/\(second.prompt) has \(second.n)"
    }

    /// Throws when `metric` depends on n and the groups of `models` in the files do not all have
    /// the same number of images (a row without n_images is not counted).
    public static func check(scores paths: [String], metric: Metric, models: Set<String>) throws {
        guard metric.dependsOnImageCount else { return }
        var seen: (model: String, prompt: String, n: Int)?
        for path in paths {
            for row in try ScoresFile.read(path).rows where models.contains(row.model) {
                guard let n = row.nImages else { continue }
                guard let first = seen else { seen = (row.model, row.prompt, n); continue }
                if first.n != n { throw UnequalImageCounts(metric: metric, first: first, second: (row.model, row.prompt, n)) }
            }
        }
    }
}
