import Foundation

/// The Vendi Score (Friedman & Dieng, "The Vendi Score: A Diversity Evaluation Metric for Machine
/// Learning", TMLR 2023) of a group of embeddings with the cosine kernel: the exponential of the
/// order-q Rényi entropy of the eigenvalues λ of K/n, K_ij = cos(e_i, e_j). Equal to the
/// `vendi-score` package's `score_K(K, q)` with that K, and to its `score_dual(X, q)` on the
/// normalised rows (the non-zero eigenvalues of XᵀX/n are those of XXᵀ/n).
///
/// q = 1: exp(−Σ λ log λ) over λ > 0; q = ∞: 1 / max λ. Computed in double precision on the
/// smaller of the n×n Gram matrix and the d×d second-moment matrix.
public enum Vendi {
    /// (q = 1, q = ∞) for `embeddings` (n ≥ 1 rows of one width); a zero row counts as a zero vector.
    public static func scores(_ embeddings: [[Float]]) -> (q1: Double, qInf: Double) {
        let n = embeddings.count
        guard n > 0 else { return (0, 0) }
        let rows: [[Double]] = embeddings.map { e in
            let v = e.map(Double.init)
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 ? v.map { $0 / norm } : v
        }
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

/// Eigenvalues of a real symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan, Matrix
/// Computations, 4th ed., §8.5): accurate to a few ulps of the largest eigenvalue, which is
/// what the Vendi Score's entropy needs; the matrices here are at most a few hundred wide.
enum SymmetricEigen {
    static func eigenvalues(_ matrix: [Double], size n: Int) -> [Double] {
        var a = matrix
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<n { for j in (i + 1)..<max(n, i + 1) { off += a[i * n + j] * a[i * n + j] } }
            if off == 0 { break }
            var diagonal = 0.0
            for i in 0..<n { diagonal += a[i * n + i] * a[i * n + i] }
            if off < 1e-34 * max(diagonal, 1e-300) { break }
            for p in 0..<n {
                for q in (p + 1)..<max(n, p + 1) where a[p * n + q] != 0 {
                    let apq = a[p * n + q], app = a[p * n + p], aqq = a[q * n + q]
                    let theta = (aqq - app) / (2 * apq)
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                }
            }
        }
        return (0..<n).map { a[$0 * n + $0] }
    }
}
