import Foundation

/// W1KP (Tang et al., EMNLP 2024, castorini/w1kp): the perceptual variability of a group of
/// images, calibrated against human judgements into [0, 1]. As the authors' listwise DreamSim-l2
/// measure computes it (`ListwiseDreamSimDistanceMeasure.measure`, w1kp/model/distance.py): the
/// squared L2 distances between the images' DreamSim embeddings (DreamSim's `embed`, centred and
/// of unit length, which is what scs's DreamSim backbone returns), the pairs above 1e-4 kept, their
/// mean d̄, and W1KP = 1 − F(d̄) with F the published calibration CDF (`query_inverted_cdf`, which
/// is `np.interp`). 1 − F(d̄) is the share of the calibration's distances above d̄: higher means
/// the images are more alike (less varied), as a higher SCS does.
public enum W1KP {
    /// The reference keeps pairs whose squared distance is above this, to drop the matrix's
    /// diagonal; a pair of distinct files at or below it is the same picture, and is reported.
    public static let duplicateDistance = 1e-4

    /// Where the calibration comes from (written into the JSON summary with the score).
    public static var calibrationSource: String {
        "\(W1KPCalibrationTable.repository)@\(W1KPCalibrationTable.commit) cdf-xy.pt (\(W1KPCalibrationTable.licence))"
    }

    /// F(d): the calibration CDF at `d`, interpolated as `np.interp(d, x, y)` does: linear between
    /// the two points around `d`, where among tied `x` the last one counts, an exact hit returns
    /// its own `y`, and beyond the ends the end values (no extrapolation).
    public static func cdf(_ d: Double) -> Double { interpolate(d, x: W1KPCalibrationTable.x, y: W1KPCalibrationTable.y) }

    static func interpolate(_ d: Double, x: [Double], y: [Double]) -> Double {
        guard !d.isNaN, let first = x.first, let last = x.last else { return .nan }
        if d < first { return y[0] }
        if d > last { return y[y.count - 1] }
        // j: the last index with x[j] ≤ d (numpy's binary_search_with_guess answers the same).
        var lo = 0, hi = x.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if d >= x[mid] { lo = mid + 1 } else { hi = mid }
        }
        let j = lo - 1
        if j == x.count - 1 || x[j] == d { return y[j] }
        let slope = (y[j + 1] - y[j]) / (x[j + 1] - x[j])
        return slope * (d - x[j]) + y[j]
    }

    /// The calibrated score of a mean distance: 1 − F(d̄).
    public static func score(meanDistance: Double) -> Double { 1 - cdf(meanDistance) }

    /// ‖e_i − e_j‖² for every i, j (zero diagonal), in double precision from the float32 embeddings.
    public static func squaredDistances(_ embeddings: [[Float]]) -> [[Double]] {
        let n = embeddings.count
        var d = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) {
                var s = 0.0
                for (a, b) in zip(embeddings[i], embeddings[j]) {
                    let t = Double(a) - Double(b)
                    s += t * t
                }
                (d[i][j], d[j][i]) = (s, s)
            }
        }
        return d
    }

    /// One group's W1KP from its distance matrix: the mean over the kept pairs, the score, and
    /// the pairs the reference leaves out as duplicates (image indices, i < j).
    public struct Summary: Sendable, Equatable {
        /// d̄, nil when every pair is a duplicate (the reference's mean of nothing is NaN).
        public var meanDistance: Double?
        public var keptPairs: Int
        public var duplicates: [(i: Int, j: Int, distance: Double)]
        public var score: Double? { meanDistance.map(W1KP.score(meanDistance:)) }

        public init(distances d: [[Double]]) {
            var sum = 0.0, kept = 0
            var duplicates: [(i: Int, j: Int, distance: Double)] = []
            for i in 0..<d.count {
                for j in (i + 1)..<max(d.count, i + 1) {
                    if d[i][j] > W1KP.duplicateDistance {
                        sum += d[i][j]
                        kept += 1
                    } else {
                        duplicates.append((i, j, d[i][j]))
                    }
                }
            }
            (meanDistance, keptPairs, self.duplicates) = (kept > 0 ? sum / Double(kept) : nil, kept, duplicates)
        }

        public static func == (a: Summary, b: Summary) -> Bool {
            a.meanDistance == b.meanDistance && a.keptPairs == b.keptPairs
                && a.duplicates.map { [Double($0.i), Double($0.j), $0.distance] } == b.duplicates.map { [Double($0.i), Double($0.j), $0.distance] }
        }
    }
}
