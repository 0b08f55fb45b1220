import Foundation

/// The text cleaning of OpenAI's `clip.tokenize`, step by step, on Unicode scalars (Python's
/// strings are sequences of code points; Swift's `String` compares canonically equivalent text as
/// equal, which would hide differences):
///
///     ftfy.fix_text(text) → html.unescape twice → strip → collapse \s+ to " " → strip → str.lower()
///
/// `fix_text` is ftfy 6's default set of fixes, in its order, repeated until nothing changes, line
/// by line: HTML entities (only while no line so far has held a "<"), C1 controls read as
/// windows-1252, Latin ligatures, full- and half-width forms, curly quotes, line breaks,
/// terminal escapes, control characters, NFC. ftfy's mojibake repair (re-decoding text that looks
/// like UTF-8 read as Latin-1, "cafÃ©") is not reproduced: it rests on a statistical guess, and
/// prompts written by people do not need it; such text is tokenised as it is.
///
/// The tables (entity names, ligatures, widths, control characters) are the references' own,
/// written into `clip-text-cleaning.json` by `scripts/make_text_resources.py`.
public enum TextCleaning {
    typealias Scalars = [Unicode.Scalar]

    /// `clip.tokenize`'s whole cleaning, lower-casing included.
    public static func openAI(_ text: String) -> String {
        var s = fixText(Array(text.unicodeScalars))
        s = htmlUnescape(htmlUnescape(s))
        s = collapseWhitespace(strip(s, isPythonSpace), isPythonSpace)
        return String(String.UnicodeScalarView(pythonLower(s)))
    }

    // MARK: - ftfy.fix_text

    /// ftfy's default fixes, line by line (each line keeps its "\n").
    static func fixText(_ text: Scalars) -> Scalars {
        var out: Scalars = []
        var unescape = true
        var start = 0
        while start < text.count {
            let end = (text[start...].firstIndex(of: "\n") ?? text.count - 1) + 1
            let line = Array(text[start..<end])
            // "auto": a line with "<" may be HTML source, where entities are not text; from then on
            // ftfy leaves entities alone for the rest of the text too.
            if line.contains("<") { unescape = false }
            out += fixSegment(line, unescapeHTML: unescape)
            start = end
        }
        return out
    }

    static func fixSegment(_ segment: Scalars, unescapeHTML: Bool) -> Scalars {
        var text = segment
        while true {
            let before = text
            if unescapeHTML { text = ftfyUnescape(text) }
            text = text.map { tables.c1[$0] ?? $0 }
            text = translate(text, tables.ligatures)
            text = translate(text, tables.widths)
            text = text.map { uncurl($0) }
            text = fixLineBreaks(text)
            text = removeTerminalEscapes(text)
            text = text.filter { !tables.control.contains($0) }
            text = Array(String(String.UnicodeScalarView(text)).precomposedStringWithCanonicalMapping.unicodeScalars)
            if text == before { return text }
        }
    }

    /// ftfy's entity pass: `&#?[0-9A-Za-z]{1,24};` replaced when ftfy's table has it (HTML5's names
    /// ending in ";", and upper-cased forms of the lower-case ones) or it is a complete numeric
    /// reference that html.unescape decodes.
    static func ftfyUnescape(_ s: Scalars) -> Scalars {
        var out: Scalars = []
        var i = 0
        while i < s.count {
            if s[i] == "&", let end = entityEnd(s, from: i) {
                let entity = String(String.UnicodeScalarView(s[i...end]))
                if let value = tables.ftfyEntities[entity] {
                    out += value.unicodeScalars
                    i = end + 1
                    continue
                }
                if s[i + 1] == "#" {
                    let decoded = htmlUnescape(Array(s[i...end]))
                    if !decoded.contains(";") {
                        out += decoded
                        i = end + 1
                        continue
                    }
                }
            }
            out.append(s[i])
            i += 1
        }
        return out
    }

    /// The index of the ";" closing `&#?[0-9A-Za-z]{1,24};` at `i`, if it matches there.
    private static func entityEnd(_ s: Scalars, from i: Int) -> Int? {
        var j = i + 1
        if j < s.count, s[j] == "#" { j += 1 }
        let first = j
        while j < s.count, j - first < 24, isASCIIAlphanumeric(s[j]) { j += 1 }
        return j > first && j < s.count && s[j] == ";" ? j : nil
    }

    static func uncurl(_ c: Unicode.Scalar) -> Unicode.Scalar {
        switch c.value {
        case 0x02BC, 0x2018...0x201B: return "'"
        case 0x201C...0x201F: return "\""
        default: return c
        }
    }

    static func fixLineBreaks(_ s: Scalars) -> Scalars {
        var out: Scalars = []
        var i = 0
        while i < s.count {
            switch s[i] {
            case "\r":
                out.append("\n")
                if i + 1 < s.count, s[i + 1] == "\n" { i += 1 }
            case "\u{2028}", "\u{2029}", "\u{85}": out.append("\n")
            default: out.append(s[i])
            }
            i += 1
        }
        return out
    }

    /// ANSI escapes: ESC "[" (decimal digits or ";")* one ASCII letter.
    static func removeTerminalEscapes(_ s: Scalars) -> Scalars {
        var out: Scalars = []
        var i = 0
        while i < s.count {
            if s[i] == "\u{1B}", i + 1 < s.count, s[i + 1] == "[" {
                var j = i + 2
                while j < s.count, s[j] == ";" || s[j].properties.numericType == .decimal { j += 1 }
                if j < s.count, s[j].isASCII, s[j].properties.isAlphabetic {
                    i = j + 1
                    continue
                }
            }
            out.append(s[i])
            i += 1
        }
        return out
    }

    // MARK: - html.unescape

    /// Python's `html.unescape`: numeric references (with Python's fix-ups for the C1 range, NUL,
    /// surrogates and non-characters) and HTML5's named references, including the longest known
    /// name at the start of an unknown one ("&ampx" → "&x"), with or without the ";".
    static func htmlUnescape(_ s: Scalars) -> Scalars {
        guard s.contains("&") else { return s }
        var out: Scalars = []
        var i = 0
        while i < s.count {
            guard s[i] == "&", i + 1 < s.count else { out.append(s[i]); i += 1; continue }
            if s[i + 1] == "#" {
                let hex = i + 2 < s.count && (s[i + 2] == "x" || s[i + 2] == "X")
                var j = i + (hex ? 3 : 2)
                let digitsStart = j
                while j < s.count, hex ? s[j].properties.isASCIIHexDigit : ("0"..."9").contains(s[j]) { j += 1 }
                if j > digitsStart {
                    let digits = String(String.UnicodeScalarView(s[digitsStart..<j]))
                    out += numericReference(UInt64(digits, radix: hex ? 16 : 10))
                    i = j < s.count && s[j] == ";" ? j + 1 : j
                    continue
                }
            } else {
                // [^\t\n\f <&#;]{1,32};?
                var j = i + 1
                while j < s.count, j - i - 1 < 32, !"\t\n\u{0C} <&#;".unicodeScalars.contains(s[j]) { j += 1 }
                if j > i + 1 {
                    if j < s.count, s[j] == ";" { j += 1 }
                    let name = String(String.UnicodeScalarView(s[(i + 1)..<j]))
                    if let value = tables.html5[name] {
                        out += value.unicodeScalars
                    } else if let (length, value) = longestKnownPrefix(Array(s[(i + 1)..<j])) {
                        out += value.unicodeScalars + s[(i + 1 + length)..<j]
                    } else {
                        out += s[i..<j]
                    }
                    i = j
                    continue
                }
            }
            out.append(s[i])
            i += 1
        }
        return out
    }

    /// The longest prefix of 2 or more characters (and shorter than the whole) that names an entity.
    private static func longestKnownPrefix(_ name: Scalars) -> (Int, String)? {
        guard name.count > 2 else { return nil }
        for length in stride(from: name.count - 1, to: 1, by: -1) {
            if let value = tables.html5[String(String.UnicodeScalarView(name[..<length]))] { return (length, value) }
        }
        return nil
    }

    private static func numericReference(_ number: UInt64?) -> Scalars {
        guard let number, number <= 0x10FFFF else { return ["\u{FFFD}"] }
        if let fixed = tables.invalidCharrefs[Int(number)] { return Array(fixed.unicodeScalars) }
        if (0xD800...0xDFFF).contains(number) { return ["\u{FFFD}"] }
        if tables.invalidCodepoints.contains(Int(number)) { return [] }
        return [Unicode.Scalar(UInt32(number))!]
    }

    // MARK: - Whitespace and case, as Python's str

    /// `str.isspace()`, which Python's `re` uses for `\s` and `str.strip()` for whitespace: Unicode's
    /// White_Space plus the information separators U+001C–U+001F.
    static func isPythonSpace(_ c: Unicode.Scalar) -> Bool {
        (0x1C...0x1F).contains(c.value) || c.properties.isWhitespace
    }

    static func strip(_ s: Scalars, _ isSpace: (Unicode.Scalar) -> Bool) -> Scalars {
        guard let first = s.firstIndex(where: { !isSpace($0) }), let last = s.lastIndex(where: { !isSpace($0) }) else { return [] }
        return Array(s[first...last])
    }

    /// Runs of whitespace become one " ".
    static func collapseWhitespace(_ s: Scalars, _ isSpace: (Unicode.Scalar) -> Bool) -> Scalars {
        var out: Scalars = []
        for c in s {
            if isSpace(c) {
                if out.last != " " { out.append(" ") }
                continue
            }
            out.append(c)
        }
        return out
    }

    /// `str.lower()`: each character's full lower-case mapping as Python's Unicode tables have it
    /// (`UnicodeTables`), and a capital sigma that ends a word (a cased letter before it, none
    /// after, case-ignorable characters skipped) becomes "ς".
    static func pythonLower(_ s: Scalars) -> Scalars {
        var out: Scalars = []
        let lower = UnicodeTables.openAI.lower
        for (i, c) in s.enumerated() {
            if c == "\u{03A3}" {
                out.append(isFinalSigma(s, i) ? "\u{03C2}" : "\u{03C3}")
            } else if let mapped = lower[c] {
                out += mapped.unicodeScalars
            } else {
                out.append(c)
            }
        }
        return out
    }

    private static func isFinalSigma(_ s: Scalars, _ i: Int) -> Bool {
        var j = i - 1
        while j >= 0, s[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0, s[j].properties.isCased else { return false }
        var k = i + 1
        while k < s.count, s[k].properties.isCaseIgnorable { k += 1 }
        return k == s.count || !s[k].properties.isCased
    }

    private static func isASCIIAlphanumeric(_ c: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(c) || ("a"..."z").contains(c) || ("A"..."Z").contains(c)
    }

    private static func translate(_ s: Scalars, _ table: [Unicode.Scalar: String]) -> Scalars {
        var out: Scalars = []
        for c in s {
            if let r = table[c] { out += r.unicodeScalars } else { out.append(c) }
        }
        return out
    }

    // MARK: - Tables

    struct Tables: Sendable {
        var html5: [String: String] = [:]
        var invalidCharrefs: [Int: String] = [:]
        var invalidCodepoints: Set<Int> = []
        var ftfyEntities: [String: String] = [:]
        var ligatures: [Unicode.Scalar: String] = [:]
        var widths: [Unicode.Scalar: String] = [:]
        var control: Set<Unicode.Scalar> = []
        var c1: [Unicode.Scalar: Unicode.Scalar] = [:]
    }

    static let tables: Tables = {
        guard let root = (try? JSONSerialization.jsonObject(with: TextData.cleaningTables)) as? [String: Any] else {
            fatalError("scs's compiled-in clip-text-cleaning.json is damaged: rebuild scs")
        }
        func strings(_ key: String) -> [String: String] { root[key] as? [String: String] ?? [:] }
        func byScalar(_ key: String) -> [Unicode.Scalar: String] {
            Dictionary(uniqueKeysWithValues: strings(key).compactMap { k, v in UInt32(k).flatMap(Unicode.Scalar.init).map { ($0, v) } })
        }
        var t = Tables()
        t.html5 = strings("html5")
        t.invalidCharrefs = Dictionary(uniqueKeysWithValues: strings("invalid_charrefs").compactMap { k, v in Int(k).map { ($0, v) } })
        t.invalidCodepoints = Set(root["invalid_codepoints"] as? [Int] ?? [])
        t.ftfyEntities = strings("ftfy_entities")
        t.ligatures = byScalar("ligatures")
        t.widths = byScalar("widths")
        t.control = Set((root["control"] as? [Int] ?? []).compactMap { UInt32(exactly: $0).flatMap(Unicode.Scalar.init) })
        t.c1 = byScalar("c1").compactMapValues { $0.unicodeScalars.first }
        return t
    }()
}
