import Crypto
import Foundation

/// The folder a prompt's images go in: `<out>/<model>/<folder>/<seed>.jpg`.
///
/// The rule keeps the prompt's text wherever a folder name can hold it, so that `scs score` (which
/// names a group after its folder) shows the prompt, and so that the paper's published data set,
/// whose folders are the prompts with the apostrophe replaced by `_`, comes out identical:
///
/// 1. each of `/ \ : * ? " < > |`, the apostrophe `'`, and control characters (U+0000–U+001F,
///    U+007F–U+009F) becomes `_` — path separators, and what Windows or the data set refuse;
/// 2. a `.` right after another `.` becomes `_`, so no name contains `..`;
/// 3. spaces and dots at the start or the end become `_` — a leading dot would hide the folder
///    (`scs score` skips hidden files), Windows drops trailing ones;
/// 4. a name longer than 200 bytes of UTF-8 is cut (at a character boundary) to 183 bytes and
///    gets `_` and the first 16 hex digits of the SHA-256 of the prompt's exact text, so two long
///    prompts that differ only after the cut still get different folders.
///
/// The rule is a pure function of the text: the same prompt always gets the same folder, on every
/// machine and in every version of `scs` (tests pin examples of each step).
public enum PromptFolder {
    /// The longest folder name, in UTF-8 bytes (file systems allow 255).
    public static let maxBytes = 200
    static let hashDigits = 16

    static let replaced: Set<Unicode.Scalar> = ["/", "\\", ":", "*", "?", "\"", "<", ">", "|", "'"]

    public static func name(for prompt: String) -> String {
        var scalars: [Unicode.Scalar] = []
        for s in prompt.unicodeScalars {
            let control = s.value < 0x20 || (0x7F...0x9F).contains(s.value)
            if replaced.contains(s) || control {
                scalars.append("_")
            } else if s == ".", scalars.last == "." {
                scalars.append("_")
            } else {
                scalars.append(s)
            }
        }
        func isEdge(_ s: Unicode.Scalar) -> Bool { s == " " || s == "." }
        var i = 0
        while i < scalars.count, isEdge(scalars[i]) { scalars[i] = "_"; i += 1 }
        var j = scalars.count - 1
        while j >= 0, isEdge(scalars[j]) { scalars[j] = "_"; j -= 1 }

        var name = String(String.UnicodeScalarView(scalars))
        if name.utf8.count > maxBytes {
            let keep = maxBytes - 1 - hashDigits
            name = prefix(of: name, maxBytes: keep) + "_" + String(digest(prompt).prefix(hashDigits))
        }
        return name
    }

    /// The longest prefix of whole characters whose UTF-8 fits in `maxBytes`.
    static func prefix(of text: String, maxBytes: Int) -> String {
        var out = ""
        var bytes = 0
        for c in text {
            let n = String(c).utf8.count
            if bytes + n > maxBytes { break }
            out.append(c)
            bytes += n
        }
        return out
    }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// How two folder names are compared for collisions: without case and in Unicode NFC, as the
    /// default file systems of macOS and Windows compare them, so that a data set made on Linux
    /// can be copied there without two prompts' images merging.
    public static func collisionKey(_ name: String) -> String {
        name.precomposedStringWithCanonicalMapping.lowercased()
    }

    /// Why `name` cannot be used as-is as a single folder name (for `--model-name`), or `nil`.
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if Self.name(for: name) != name {
            return "it holds characters a folder name cannot keep (/ \\ : * ? \" < > | ', control "
                + "characters, \"..\", or leading/trailing spaces or dots), or is longer than \(maxBytes) bytes"
        }
        return nil
    }
}
