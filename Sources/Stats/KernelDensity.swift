import Foundation

/// A one-dimensional Gaussian kernel density estimate, as `scipy.stats.gaussian_kde(x)` with its
/// default Scott's-rule bandwidth, on the grid seaborn's `kdeplot` draws by default.
public struct KernelDensity: Sendable {
    /// The sample.
    public let data: [Double]
    /// Scott's factor n^(-1/5) (d = 1): `gaussian_kde.scotts_factor()`.
    public let factor: Double
    /// The kernel's standard deviation: sqrt of the data's variance (ddof = 1, as `numpy.cov`)
    /// times factor². seaborn cuts its grid at `cut` times this.
    public let bandwidth: Double

    /// nil when the sample has fewer than two points or no spread: SciPy raises then (a
    /// singular covariance) and seaborn draws nothing.
    public init?(_ data: [Double]) {
        guard data.count >= 2, data.allSatisfy(\.isFinite) else { return nil }
        let n = Double(data.count)
        let mean = NumPy.mean(data)
        let variance = NumPy.sum(data.map { ($0 - mean) * ($0 - mean) }) / (n - 1)
        guard variance > 0 else { return nil }
        self.data = data
        factor = pow(n, -1.0 / 5.0)
        bandwidth = (variance * factor * factor).squareRoot()
    }

    /// The density at `x`: the mean of normal densities centred on the data.
    public func density(at x: Double) -> Double {
        // 1/(n·h·sqrt(2π)) · Σ exp(-z²/2); the sum runs over the data in order, like SciPy's loop.
        var sum = 0.0
        for xi in data {
            let z = (x - xi) / bandwidth
            sum += exp(-0.5 * z * z)
        }
        return sum / (Double(data.count) * bandwidth * (2 * Double.pi).squareRoot())
    }

    /// seaborn's support: `numpy.linspace(min - cut·h, max + cut·h, gridsize)`.
    public func grid(cut: Double = 3, count: Int = 200) -> [Double] {
        let lo = data.min()! - cut * bandwidth, hi = data.max()! + cut * bandwidth
        return NumPy.linspace(lo, hi, count: count)
    }

    /// The curve seaborn's `kdeplot` draws: (grid, density) pairs.
    public func curve(cut: Double = 3, count: Int = 200) -> [(x: Double, y: Double)] {
        grid(cut: cut, count: count).map { ($0, density(at: $0)) }
    }
}

extension NumPy {
    /// `numpy.linspace(start, stop, num)`: start + i·step, the last point exactly `stop`.
    public static func linspace(_ start: Double, _ stop: Double, count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (stop - start) / Double(count - 1)
        var out = (0..<count).map { Double($0) * step + start }
        out[count - 1] = stop
        return out
    }
}
