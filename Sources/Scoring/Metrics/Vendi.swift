import Foundation

/// The Vendi Score (Friedman & Dieng, "The Vendi Score: A Diversity Evaluation Metric for Machine
/// Learning", TMLR 2023) of a group of embeddings with the cosine kernel: the exponential of the
/// order-q Rényi entropy of the eigenvalues λ of K/n, K_ij = cos(e_i, e_j). Equal to the
/// `vendi-score` package's `score_K(K, q)` with that K, and to its `score_dual(X, q)` on the
/// normalised rows (the non-zero eigenvalues of XᵀX/n are those of XXᵀ/n).
///
/// q = 1: exp(−Σ λ log λ) over λ > 0; q = ∞: 1 / max λ. Computed in double precision on the
/// smaller of the n×n Gram matrix and the d×d second-moment matrix. Rows are normalised first (a
/// zero row stays zero, as the package's `normalize` leaves it); a group of zero rows has no
/// positive eigenvalue and scores (1, 0).
public enum Vendi {
    /// (q = 1, q = ∞) for `embeddings` (n ≥ 1 rows of one width); a zero row counts as a zero vector.
    public static func scores(_ embeddings: [[Float]]) -> (q1: Double, qInf: Double) {
        let n = embeddings.count
        guard n > 0 else { return (0, 0) }
        let rows = ConsistencyScore.unitRows(embeddings)
        let d = rows[0].count
        // The smaller symmetric matrix with the same non-zero spectrum, divided by n.
        let size = min(n, d)
        var m = [Double](repeating: 0, count: size * size)
        for i in 0..<size {
            for j in i..<size {
                var dot = 0.0
                if n <= d {
                    for k in 0..<d { dot += rows[i][k] * rows[j][k] }
                } else {
                    for r in 0..<n { dot += rows[r][i] * rows[r][j] }
                }
                m[i * size + j] = dot / Double(n)
                m[j * size + i] = dot / Double(n)
            }
        }
        let eigenvalues = SymmetricEigen.eigenvalues(m, size: size).filter { $0 > 0 }
        let entropy = -eigenvalues.reduce(0) { $0 + $1 * log($1) }
        return (exp(entropy), 1 / (eigenvalues.max() ?? .infinity))
    }
}

/// Eigenvalues of a real symmetric matrix (Golub & Van Loan, Matrix Computations, 4th ed.): a
/// Householder reduction to tridiagonal form (§8.3.1, 4n³/3 flops), then implicit symmetric QR
/// steps with Wilkinson's shift on the tridiagonal matrix (§8.3.3, O(n) per step), deflating
/// off-diagonal entries below the unit roundoff of their neighbours. Accurate to a few ulps of
/// the largest eigenvalue, as LAPACK's, which is what the Vendi Score's entropy needs; a group
/// of 1,000 images (its 512-wide second-moment matrix) takes well under a second.
enum SymmetricEigen {
    static func eigenvalues(_ matrix: [Double], size n: Int) -> [Double] {
        guard n > 1 else { return n == 1 ? [matrix[0]] : [] }
        var (diagonal, off) = tridiagonalize(matrix, size: n)
        implicitQR(&diagonal, &off)
        return diagonal
    }

    /// Q A Qᵀ = T by Householder reflections, column by column; returns T's diagonal and its
    /// n − 1 off-diagonal entries.
    static func tridiagonalize(_ matrix: [Double], size n: Int) -> (diagonal: [Double], off: [Double]) {
        var a = matrix
        var off = [Double](repeating: 0, count: n - 1)
        var v = [Double](repeating: 0, count: n), p = [Double](repeating: 0, count: n)
        for k in 0..<(n - 1) {
            // x = A[k+1..<n, k]; H x = α e₁ with α of the sign opposite to x₀ (no cancellation).
            var norm = 0.0
            for i in (k + 1)..<n { norm += a[i * n + k] * a[i * n + k] }
            norm = norm.squareRoot()
            let x0 = a[(k + 1) * n + k]
            let alpha = x0 > 0 ? -norm : norm
            off[k] = alpha
            guard k < n - 2, norm > 0 else { off[k] = x0; continue }
            var vv = 0.0
            for i in (k + 1)..<n {
                v[i] = a[i * n + k] - (i == k + 1 ? alpha : 0)
                vv += v[i] * v[i]
            }
            guard vv > 0 else { continue }
            let beta = 2 / vv
            // p = β A v, w = p − (β pᵀv / 2) v, A ← A − v wᵀ − w vᵀ on the trailing block.
            var pv = 0.0
            for i in (k + 1)..<n {
                var sum = 0.0
                for j in (k + 1)..<n { sum += a[i * n + j] * v[j] }
                p[i] = beta * sum
                pv += p[i] * v[i]
            }
            let half = beta * pv / 2
            for i in (k + 1)..<n { p[i] -= half * v[i] }
            for i in (k + 1)..<n {
                for j in (k + 1)..<n { a[i * n + j] -= v[i] * p[j] + p[i] * v[j] }
            }
        }
        return ((0..<n).map { a[$0 * n + $0] }, off)
    }

    /// Diagonalises the symmetric tridiagonal (d, e) in place: d ends as the eigenvalues.
    static func implicitQR(_ d: inout [Double], _ e: inout [Double]) {
        let n = d.count
        func negligible(_ i: Int) -> Bool { abs(e[i]) <= Double.ulpOfOne * (abs(d[i]) + abs(d[i + 1])) }
        var m = n - 1, steps = 0
        while m > 0, steps < 60 * n {
            if negligible(m - 1) { e[m - 1] = 0; m -= 1; continue }
            var l = m - 1
            while l > 0, !negligible(l - 1) { l -= 1 }
            if l > 0 { e[l - 1] = 0 }
            // Wilkinson's shift: the eigenvalue of the trailing 2×2 nearer its last diagonal entry.
            let delta = (d[m - 1] - d[m]) / 2, b = e[m - 1]
            let denominator = delta + (delta >= 0 ? 1 : -1) * (delta * delta + b * b).squareRoot()
            let shift = denominator == 0 ? d[m] : d[m] - b * b / denominator
            // Chase the bulge down the block [l, m] with Givens rotations in planes (k, k+1).
            var x = d[l] - shift, z = e[l]
            for k in l..<m {
                let r = (x * x + z * z).squareRoot()
                let c = r == 0 ? 1 : x / r, s = r == 0 ? 0 : z / r
                if k > l { e[k - 1] = r }
                let p = d[k], q = e[k], t = d[k + 1]
                d[k] = c * c * p + 2 * c * s * q + s * s * t
                d[k + 1] = s * s * p - 2 * c * s * q + c * c * t
                e[k] = c * s * (t - p) + (c * c - s * s) * q
                if k < m - 1 {
                    z = s * e[k + 1]
                    e[k + 1] *= c
                    x = e[k]
                }
            }
            steps += 1
        }
    }
}
