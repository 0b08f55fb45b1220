import Foundation

/// When to try a failed request again, and how long to wait first.
///
/// Exponential backoff with "equal jitter": before retry n (1-based) the wait is
/// `d/2 + random(0, d/2)` with `d = min(baseDelay · 2ⁿ⁻¹, maxDelay)`, so that workers that failed
/// together do not come back together. A server's `Retry-After` (seconds or an HTTP date) replaces
/// the computed wait, plus up to 10 % jitter, capped at `maxRetryAfter`.
public struct RetryPolicy: Sendable {
    /// Retries after the first attempt (so `retries + 1` attempts in all).
    public var retries: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// The longest `Retry-After` honoured; longer ones are cut to this.
    public var maxRetryAfter: Double

    public init(retries: Int = 5, baseDelay: Double = 1, maxDelay: Double = 60, maxRetryAfter: Double = 600) {
        self.retries = retries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Seconds to wait before retry number `retry` (1 for the first retry).
    public func delay<G: RandomNumberGenerator>(beforeRetry retry: Int, retryAfter: Double?, using rng: inout G) -> Double {
        if let retryAfter {
            let wait = min(max(retryAfter, 0), maxRetryAfter)
            return wait + Double.random(in: 0...0.1, using: &rng) * wait
        }
        let exponent = Double(min(max(retry - 1, 0), 62))
        let d = min(baseDelay * pow(2, exponent), maxDelay)
        return d / 2 + Double.random(in: 0...(d / 2), using: &rng)
    }

    public func delay(beforeRetry retry: Int, retryAfter: Double?) -> Double {
        var rng = SystemRandomNumberGenerator()
        return delay(beforeRetry: retry, retryAfter: retryAfter, using: &rng)
    }

    /// Parses a `Retry-After` value: delay-seconds, or an HTTP date (RFC 9110) relative to `now`.
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Double? {
        let t = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(t), seconds.isFinite, seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: t) { return max(date.timeIntervalSince(now), 0) }
        }
        return nil
    }
}
