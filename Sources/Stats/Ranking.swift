import Foundation

/// Average ranks with tie groups, as SciPy's private `_rankdata(x, 'average', return_ties=True)`.
public struct Ranks {
    /// Rank of each input value, 1-based, ties sharing the mean of their ranks.
    public let ranks: [Double]
    /// Sizes of the groups of equal values, in increasing order of value (1 for an untied value).
    public let tieCounts: [Int]

    /// Ranks `values` (NaN values are each their own group and rank last, as NumPy sorts them).
    public init(_ values: [Double]) {
        // A stable argsort, NaN last, as numpy.argsort(kind="stable").
        let order = values.indices.sorted { i, j in
            let a = values[i], b = values[j]
            if a.isNaN != b.isNaN { return b.isNaN }
            if a.isNaN { return i < j }
            return a < b || (a == b && i < j)
        }
        var ranks = [Double](repeating: 0, count: values.count)
        var counts: [Int] = []
        var start = 0
        while start < order.count {
            var end = start + 1
            // NaN != NaN, so each NaN is a group of one, as in SciPy.
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            let rank = Double(start + 1) + Double(end - start - 1) / 2
            for k in start..<end { ranks[order[k]] = rank }
            counts.append(end - start)
            start = end
        }
        self.ranks = ranks
        self.tieCounts = counts
    }

    /// Σ (t³ − t) over the tie groups: the tie correction of rank tests' variances.
    public var tieTerm: Double {
        tieCounts.reduce(0.0) { $0 + Double($1) * Double($1) * Double($1) - Double($1) }
    }

    /// Whether any two values are equal.
    public var hasTies: Bool { tieCounts.contains { $0 > 1 } }
}
