import Foundation
import SCSStats
import XCTest

/// Special functions on their own, against scipy.special / scipy.stats on grids that reach every
/// branch (special.json). References: scipy.special.ndtr, ndtri, gammaln, betainc, stdtr,
/// chdtrc, gammainc, gammaincc, kolmogorov, smirnov; scipy.stats.kstwo.sf / .cdf.
final class SpecialFunctionTests: XCTestCase {
    /// scipy.special.ndtr(x), including the lower tail down to 1e-300 (x ≈ −37).
    func testNormalCDF() throws { try SpecialParity.normal(ErrorLedger()) }

    /// scipy.special.ndtri(p) for p from 1e-300 to 1 − 1e-15.
    func testNormalQuantile() throws { try SpecialParity.normalQuantile(ErrorLedger()) }

    /// scipy.special.gammaln(x), x from 1e-3 to 1e5.
    func testLogGamma() throws { try SpecialParity.logGamma(ErrorLedger()) }

    /// scipy.special.betainc(a, b, x): 486 points, a and b from 0.5 to 1000, x from 1e-10 to 1 − 1e-9.
    func testIncompleteBeta() throws { try SpecialParity.incompleteBeta(ErrorLedger()) }

    /// scipy.special.stdtr(df, t), fractional df (Welch) and |t| up to 1e10.
    func testStudentT() throws { try SpecialParity.studentT(ErrorLedger()) }

    /// scipy.special.chdtrc(df, x) (Friedman's p-value) and gammainc / gammaincc.
    func testChiSquareAndIncompleteGamma() throws { try SpecialParity.chiSquare(ErrorLedger()) }

    /// scipy.special.kolmogorov(x), both series and their switch at 0.82.
    func testKolmogorovLimit() throws { try SpecialParity.kolmogorov(ErrorLedger()) }

    /// scipy.special.smirnov(n, x), n from 1 to 10000, including x = 1/n, 0.5/n, 1 − 1/n.
    func testSmirnov() throws { try SpecialParity.smirnov(ErrorLedger()) }

    /// scipy.stats.kstwo.sf(x, n) and .cdf(x, n), n from 1 to 150000, points on both sides of
    /// every algorithm switch of Simard & L'Ecuyer as SciPy places them.
    func testKolmogorovN() throws { try SpecialParity.kolmogorovN(ErrorLedger()) }

    /// Properties that need no oracle: symmetry and complements.
    func testSymmetries() {
        for x in stride(from: -8.0, through: 8.0, by: 0.37) {
            XCTAssertEqual(Normal.cdf(x) + Normal.sf(x), 1, accuracy: 1e-15)
            XCTAssertEqual(StudentT.cdf(x, df: 3.5) + StudentT.cdf(-x, df: 3.5), 1, accuracy: 1e-14)
            // Invert the tail that holds the digits: Φ(x) for x ≤ 0, 1 − Φ(x) = Φ(−x) above.
            let inverse = x <= 0 ? Normal.quantile(Normal.cdf(x)) : -Normal.quantile(Normal.sf(x))
            XCTAssertEqual(inverse, x, accuracy: 1e-12 * max(1, abs(x)))
        }
        XCTAssertEqual(IncompleteBeta.regularized(2, 3, 0.4) + IncompleteBeta.regularized(3, 2, 0.6), 1, accuracy: 1e-15)
        XCTAssertTrue(IncompleteBeta.regularized(-1, 2, 0.5).isNaN, "a ≤ 0 is outside the domain")
        XCTAssertEqual(KolmogorovN.sf(0.3, n: 10) + KolmogorovN.cdf(0.3, n: 10), 1, accuracy: 1e-14)
    }
}

/// The comparisons behind SpecialFunctionTests, shared with the error report.
enum SpecialParity {
    static func rows(_ key: String) throws -> [[Any]] {
        try XCTUnwrap(try Oracle.load("special.json")[key] as? [[Any]], "special.json has no \(key)")
    }

    /// A function of one argument against `key`'s rows (argument, SciPy's value); the
    /// argument is named `name` in the ledger.
    static func unary(_ ledger: ErrorLedger, _ key: String, _ name: String = "x", _ f: (Double) -> Double) throws {
        for r in try rows(key) {
            let x = Oracle.number(r[0])!
            ledger.check(key, f(x), Oracle.number(r[1]), "\(name)=\(x)")
        }
    }

    static func normal(_ ledger: ErrorLedger) throws { try unary(ledger, "ndtr") { Normal.cdf($0) } }

    static func normalQuantile(_ ledger: ErrorLedger) throws { try unary(ledger, "ndtri", "p") { Normal.quantile($0) } }

    static func logGamma(_ ledger: ErrorLedger) throws { try unary(ledger, "gammaln") { GammaFunctions.logGamma($0) } }

    static func incompleteBeta(_ ledger: ErrorLedger) throws {
        for r in try rows("betainc") {
            let (a, b, x) = (Oracle.number(r[0])!, Oracle.number(r[1])!, Oracle.number(r[2])!)
            ledger.check("betainc", IncompleteBeta.regularized(a, b, x), Oracle.number(r[3]), "a=\(a) b=\(b) x=\(x)")
        }
    }

    static func studentT(_ ledger: ErrorLedger) throws {
        for r in try rows("stdtr") {
            let (df, t) = (Oracle.number(r[0])!, Oracle.number(r[1])!)
            ledger.check("stdtr", StudentT.cdf(t, df: df), Oracle.number(r[2]), "df=\(df) t=\(t)")
        }
    }

    static func chiSquare(_ ledger: ErrorLedger) throws {
        for r in try rows("chdtrc") {
            let (df, x) = (Oracle.number(r[0])!, Oracle.number(r[1])!)
            ledger.check("chdtrc", ChiSquare.sf(x, df: df), Oracle.number(r[2]), "df=\(df) x=\(x)")
        }
        for r in try rows("gammainc") {
            let (a, x) = (Oracle.number(r[0])!, Oracle.number(r[1])!)
            ledger.check("gammainc", GammaFunctions.lowerRegularized(a, x), Oracle.number(r[2]), "a=\(a) x=\(x)")
            ledger.check("gammaincc", GammaFunctions.upperRegularized(a, x), Oracle.number(r[3]), "a=\(a) x=\(x)")
        }
    }

    static func kolmogorov(_ ledger: ErrorLedger) throws { try unary(ledger, "kolmogorov") { Kolmogorov.kolmogorov($0) } }

    static func smirnov(_ ledger: ErrorLedger) throws {
        for r in try rows("smirnov") {
            let (n, x) = (Int(Oracle.number(r[0])!), Oracle.number(r[1])!)
            ledger.check("smirnov", Kolmogorov.smirnov(n, x), Oracle.number(r[2]), "n=\(n) x=\(x)")
        }
    }

    static func kolmogorovN(_ ledger: ErrorLedger) throws {
        for r in try rows("kstwo") {
            let (n, x) = (Int(Oracle.number(r[0])!), Oracle.number(r[1])!)
            ledger.check("kstwo.sf", KolmogorovN.sf(x, n: n), Oracle.number(r[2]), "n=\(n) x=\(x)")
            ledger.check("kstwo.cdf", KolmogorovN.cdf(x, n: n), Oracle.number(r[3]), "n=\(n) x=\(x)")
        }
    }

    static func all(_ ledger: ErrorLedger) throws {
        try normal(ledger); try normalQuantile(ledger); try logGamma(ledger); try incompleteBeta(ledger)
        try studentT(ledger); try chiSquare(ledger); try kolmogorov(ledger); try smirnov(ledger); try kolmogorovN(ledger)
    }
}
