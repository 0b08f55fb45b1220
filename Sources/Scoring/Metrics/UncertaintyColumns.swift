import Foundation

extension Metric {
    /// The columns written together with this one: the SE and its interval come as three.
    var companions: [Metric] {
        [.scsSE, .scsLow, .scsHigh].contains(self) ? [.scsSE, .scsLow, .scsHigh] : [self]
    }
}

extension ScoreUncertainty {
    /// The values of scs_se, scs_lo and scs_hi for this group: none below 3 images (no jackknife),
    /// and no interval without `critical`, the quantile for a group of n images (the caller's
    /// t_{0.975, n−1}: the distributions are SCSStats', which this module does not import).
    public func columns(critical: ((_ images: Int) -> Double)?) -> [Metric: Double] {
        guard let se = jackknifeSE else { return [:] }
        var values: [Metric: Double] = [.scsSE: se]
        if let critical, let interval = interval(critical: critical(n)) {
            values[.scsLow] = interval.low
            values[.scsHigh] = interval.high
        }
        return values
    }
}
