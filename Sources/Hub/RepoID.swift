import Foundation

/// A validated Hugging Face model repo id, `org/name`, following huggingface_hub's `validate_repo_id`.
struct RepoID: Hashable, Sendable, CustomStringConvertible {
    let org: String
    let name: String

    var description: String { "\(org)/\(name)" }

    /// The cache folder name: `models--ORG--NAME`.
    var cacheFolderName: String { "models--\(org)--\(name)" }

    init(_ string: String) throws {
        func fail(_ reason: String) -> HubError { .invalidModelArgument(string, reason: reason) }
        if ["/", "./", "../", "~"].contains(where: { string.hasPrefix($0) }) || string == "." || string == ".." {
            throw fail("no such folder")
        }
        let parts = string.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw fail(
                parts.count < 2
                    ? "no such folder, and a repo id needs the form org/name"
                    : "no such folder, and a repo id has exactly one '/'")
        }
        guard string.count <= 96 else { throw fail("a repo id has at most 96 characters") }
        for part in parts {
            let s = String(part)
            guard !s.isEmpty else { throw fail("empty org or name") }
            guard s.unicodeScalars.allSatisfy(Self.isAllowed) else {
                throw fail("a repo id may only contain letters, digits, '-', '_' and '.'")
            }
            guard !s.contains("--"), !s.contains("..") else { throw fail("'--' and '..' are not allowed") }
            guard let first = s.first, let last = s.last,
                first != "-", first != ".", last != "-", last != "."
            else {
                throw fail("org and name cannot start or end with '-' or '.'")
            }
        }
        guard !string.hasSuffix(".git") else { throw fail("a repo id cannot end with .git") }
        org = String(parts[0])
        name = String(parts[1])
    }

    private static func isAllowed(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && (CharacterSet.alphanumerics.contains(c) || c == "-" || c == "_" || c == ".")
    }
}

/// Revision names (branches, tags, `refs/pr/N`, commit hashes) that are safe as cache paths.
enum Revision {
    static func validate(_ revision: String) throws {
        func fail(_ reason: String) -> HubError { .invalidRevision(revision, reason: reason) }
        guard !revision.isEmpty else { throw fail("empty") }
        guard
            revision.unicodeScalars.allSatisfy({ c in
                c.isASCII && (CharacterSet.alphanumerics.contains(c) || "-_./".unicodeScalars.contains(c))
            })
        else { throw fail("only letters, digits, '-', '_', '.' and '/' are allowed") }
        let components = revision.split(separator: "/", omittingEmptySubsequences: false)
        guard !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw fail("empty, '.' or '..' path components are not allowed")
        }
    }

    /// Whether `revision` is a full commit hash (then it names a snapshot directly).
    static func isCommitHash(_ revision: String) -> Bool {
        revision.count == 40 && revision.unicodeScalars.allSatisfy { "0123456789abcdef".unicodeScalars.contains($0) }
    }

    /// Percent-encodes a revision as one URL path segment (`refs/pr/1` → `refs%2Fpr%2F1`), as huggingface_hub does.
    static func urlSegment(_ revision: String) -> String {
        revision.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(.init(charactersIn: "-_.")))
            ?? revision
    }
}
