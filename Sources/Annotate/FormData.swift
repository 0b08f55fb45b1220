/// `application/x-www-form-urlencoded` bodies, as browsers send forms. The first value of a
/// repeated field wins; malformed escapes make the field absent, never a crash.
enum FormData {
    static func parse(_ body: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else { continue }
            if result[key] == nil { result[key] = value }
        }
        return result
    }

    static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
