import Foundation
import SCSImaging
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lists a folder from the raw bytes of its names (`opendir`/`readdir`), following symlinks:
/// the one lister behind `scs score`, `scs report` and `scs annotate init` (through `Dataset.scan`).
///
/// Foundation's `FileManager` on Linux replaces bytes that are not UTF-8 with U+FFFD (a name it
/// then cannot open) and reports a symlinked folder as "not a folder"; this lister sees both.
public enum FolderLister {
    /// A folder's identity, to recognise one reached again through a symlink.
    public struct Identity: Hashable, Sendable {
        public var device: UInt64
        public var inode: UInt64
    }

    /// What an entry is, after following symlinks.
    public enum Kind: Equatable, Sendable {
        case folder(Identity)
        case file
        /// Not usable, and why: "a symlink loop", "a FIFO, not a file", "a broken symlink …",
        /// "the name is not valid UTF-8 …", "cannot be read: permission denied".
        case unusable(String)
    }

    public struct Entry: Sendable {
        /// The name; nil when its bytes are not valid UTF-8 (no String can name the file then).
        public var name: String?
        /// The name as printed: the name itself, or its bytes escaped (`FileProblem.displayName`).
        public var displayName: String
        /// The path to open (nil when the name is not UTF-8).
        public var path: String?
        /// The path as printed.
        public var displayPath: String
        /// Starts with ".": passed over, whatever it is.
        public var hidden: Bool
        /// Not hidden and its name valid UTF-8: what it is. Hidden entries and names that are not
        /// UTF-8 are not looked at further (a not-UTF-8 one is `.unusable`).
        public var kind: Kind
    }

    /// The reason given for a folder reached again through a symlink (the kernel's ELOOP's words).
    public static let symlinkLoop = FileProblem.words(errno: ELOOP)

    /// The reason given for a name that is not valid UTF-8.
    public static let notUTF8 = "the name is not valid UTF-8 (its bytes shown as \\xNN); rename it to use it"

    /// The identity of the folder at `path` (following symlinks), or what is wrong with it.
    public static func identity(of path: String) -> Result<Identity, FileProblem> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(FileProblem(errno: errno)) }
        guard info.st_mode & S_IFMT == S_IFDIR else { return .failure(FileProblem(reason: "not a folder")) }
        return .success(Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    /// The entries of the folder at `path` (shown as `displayPath`), sorted by name: valid names by
    /// Unicode code points (as Python's `sorted`), then the others by their bytes. Throws a
    /// `FileProblem` when the folder cannot be opened.
    public static func list(_ path: String, displayPath: String) throws -> [Entry] {
        guard let dir = opendir(path) else { throw FileProblem(errno: errno) }
        defer { closedir(dir) }
        var raw: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw FileProblem(errno: errno) }
                break
            }
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { buffer in
                Array(buffer.prefix { $0 != 0 })
            }
            if bytes == [0x2E] || bytes == [0x2E, 0x2E] { continue }
            raw.append(bytes)
        }
        let entries = raw.map { entry(bytes: $0, in: path, displayPath: displayPath) }
        return entries.sorted { a, b in
            switch (a.name, b.name) {
            case let (x?, y?): return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.displayName < b.displayName
            }
        }
    }

    static func entry(bytes: [UInt8], in folder: String, displayPath: String) -> Entry {
        let shown = FileProblem.displayName(bytes)
        let join = { (base: String, name: String) in base.hasSuffix("/") ? base + name : base + "/" + name }
        let hidden = bytes.first == 0x2E
        guard let name = String(validating: bytes, as: UTF8.self) else {
            return Entry(
                name: nil, displayName: shown, path: nil, displayPath: join(displayPath, shown), hidden: hidden,
                kind: .unusable(notUTF8))
        }
        let path = join(folder, name)
        let kind: Kind = hidden ? .file : self.kind(of: path)
        return Entry(name: name, displayName: shown, path: path, displayPath: join(displayPath, shown), hidden: hidden, kind: kind)
    }

    /// What `path` is, following symlinks.
    public static func kind(of path: String) -> Kind {
        var info = stat()
        if stat(path, &info) != 0 {
            let code = errno
            var link = stat()
            if code == ENOENT, lstat(path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { " (\($0))" } ?? ""
                return .unusable("a broken symlink: its target\(target) does not exist")
            }
            return .unusable(code == ELOOP ? symlinkLoop : "cannot be read: \(FileProblem.words(errno: code))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .folder(Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
        case S_IFREG: return .file
        default: return .unusable(FileProblem.kind(mode: info.st_mode))
        }
    }
}
