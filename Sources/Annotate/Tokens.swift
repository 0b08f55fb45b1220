import Crypto
import Foundation

/// Secrets for links and forms.
enum Tokens {
    /// A fresh 256-bit secret, base64url without padding (43 characters, safe in a URL path).
    /// `SystemRandomNumberGenerator` reads the kernel's CSPRNG (`getrandom` on Linux,
    /// `arc4random` on Darwin), so tokens cannot be guessed from earlier ones.
    static func random(bytes count: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return base64URL(bytes)
    }

    static func base64URL<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The CSRF token of one browser session of one annotator: HMAC-SHA256 of the two under the
    /// study's secret. Stateless, so it survives a server restart, and unforgeable without the
    /// secret, which never leaves the database.
    static func csrf(secret: String, annotator: Int64, session: String) -> String {
        let key = SymmetricKey(data: Data(secret.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(annotator)\u{0}\(session)".utf8), using: key)
        return base64URL(mac)
    }

    /// Compares two secrets in time independent of where they first differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    /// Whether a string looks like one of our tokens (base64url, sane length): anything else is
    /// rejected before it reaches the database.
    static func plausible(_ token: String) -> Bool {
        (16...128).contains(token.utf8.count)
            && token.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
            }
    }
}
