import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What is wrong with a file, in words ("permission denied", "a symlink loop", "a FIFO, not a
/// file"), never Foundation's "NSCocoaErrorDomain error 256".
public struct FileProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String

    public init(reason: String) { self.reason = reason }

    /// The words for a POSIX error number.
    public init(errno code: Int32) { reason = Self.words(errno: code) }

    public var description: String { reason }

    public static func words(errno code: Int32) -> String {
        switch code {
        case EACCES, EPERM: return "permission denied"
        case ENOENT: return "no such file or folder"
        case ELOOP: return "a symlink loop"
        case ENOTDIR: return "a part of the path is not a folder"
        case EISDIR: return "a folder, not a file"
        case EIO: return "an input/output error (a failing disk or network file system?)"
        case ENOSPC: return "no space left on the device"
        case EDQUOT: return "over the disk quota"
        case EROFS: return "a read-only file system"
        case EMFILE, ENFILE: return "too many open files"
        case ENAMETOOLONG: return "the name is too long"
        case ENOMEM: return "out of memory"
        case ENXIO, ENODEV: return "no such device"
        default: return String(cString: strerror(code)).lowercased()
        }
    }

    /// What a file that is not a regular file or a folder is, from its `st_mode`.
    public static func kind(mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO, not a file"
        case S_IFSOCK: return "a socket, not a file"
        case S_IFCHR: return "a character device, not a file"
        case S_IFBLK: return "a block device, not a file"
        case S_IFDIR: return "a folder, not a file"
        case S_IFLNK: return "a symlink"
        default: return "not a regular file"
        }
    }

    /// Words for an error thrown by a file operation: this type's own, a POSIX code (also one
    /// Foundation wraps as its underlying error), Foundation's file codes; otherwise its description.
    public static func describe(_ error: Error) -> String {
        if let problem = error as? FileProblem { return problem.reason }
        if let file = error as? ImageFileError { return file.reason }
        if let posix = error as? POSIXError { return words(errno: posix.code.rawValue) }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return words(errno: Int32(truncatingIfNeeded: ns.code)) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return words(errno: Int32(truncatingIfNeeded: underlying.code))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return words(errno: ENOENT)
            case .fileReadNoPermission, .fileWriteNoPermission: return words(errno: EACCES)
            case .fileWriteOutOfSpace: return words(errno: ENOSPC)
            case .fileWriteVolumeReadOnly: return words(errno: EROFS)
            case .fileReadTooLarge: return "the file is too large"
            case .fileReadInapplicableStringEncoding: return "not UTF-8 text"
            case .fileReadCorruptFile: return "the file cannot be decoded (not in the expected format or encoding)"
            case .fileReadInvalidFileName, .fileWriteInvalidFileName: return "an invalid file name"
            case .fileWriteFileExists: return "already exists"
            default: return "a file system error (Foundation code \(ns.code))"
            }
        }
        return "\(error)"
    }

    /// A file name as it can be printed on one line: itself when it is valid UTF-8 without control
    /// characters; otherwise each invalid byte and each control character as `\xNN` and a
    /// backslash as `\\`, so the bytes can be told back from what is shown.
    public static func displayName(_ bytes: [UInt8]) -> String {
        if let name = String(validating: bytes, as: UTF8.self),
            !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        {
            return name
        }
        var out = ""
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0
            if length > 1, i + length <= bytes.count, let scalar = String(validating: bytes[i..<(i + length)], as: UTF8.self) {
                out += scalar
                i += length
                continue
            }
            if b == UInt8(ascii: "\\") {
                out += "\\\\"
            } else if b >= 0x20 && b < 0x7F {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += String(format: "\\x%02X", b)
            }
            i += 1
        }
        return out
    }

    /// Reads a whole regular file. A FIFO, socket or device is refused without blocking on it;
    /// errors are `FileProblem`s.
    public static func readRegularFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw FileProblem(errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileProblem(errno: errno) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw FileProblem(reason: kind(mode: info.st_mode)) }
        var bytes = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
        var count = 0
        while true {
            if count == bytes.count { bytes += [UInt8](repeating: 0, count: max(bytes.count, 1 << 16)) }
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileProblem(errno: errno)
            }
            if n == 0 { break }
            count += n
        }
        bytes.removeSubrange(count...)
        return bytes
    }
}
