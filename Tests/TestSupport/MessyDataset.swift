import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A dataset with everything a listing can trip on, for `scs score`, `scs report` and
/// `scs annotate init` to show that every group is scored or named with its reason:
///
///     dataset/SDXL/a cat/      1.jpg 2.png 3.png (photos); 0-empty.png (0 bytes), 0-passwd.jpg
///                              (a symlink to /etc/passwd), 0-text.png (text), 0-truncated.jpg
///                              (half a JPEG); pipe.png (a FIFO); gone.jpg (a broken symlink)
///     dataset/SDXL/a dog       → ../../outside/a dog (a symlinked prompt folder, 2 photos)
///     dataset/SDXL/caf\xE9/    a prompt folder whose name is not UTF-8 (2 photos)
///     dataset/SDXL/loop        → . (a symlink loop: the model folder itself)
///     dataset/SDXL/self        → self (a symlink loop the kernel refuses, ELOOP)
///     dataset/pixart/a cat/    1.jpg 2.png 3.jpg;  dataset/pixart/a dog/  1.jpg 2.png
///     dataset/linked           → pixart (a symlinked model folder)
///     dataset/again            → . (a symlink loop at the top: the dataset folder itself)
public enum MessyDataset {
    /// Groups that are scored (model/prompt), in scores.csv's order.
    public static let scoredGroups = ["SDXL/a cat", "SDXL/a dog", "linked/a cat", "linked/a dog", "pixart/a cat", "pixart/a dog"]
    /// Prompt folders named as excluded (model, prompt as printed, a word of the reason).
    public static let excludedGroups = [
        ("SDXL", "caf\\xE9", "not valid UTF-8"), ("SDXL", "loop", "a symlink loop"),
        ("SDXL", "self", "a symlink loop")
    ]
    /// Files of SDXL/a cat left out by the listing, with a word of the reason.
    public static let listingSkips = [("pipe.png", "a FIFO, not a file"), ("gone.jpg", "a broken symlink")]
    /// Entries of the dataset folder left out by the listing, with a word of the reason.
    public static let rootSkips = [("again", "a symlink loop")]
    /// Files of SDXL/a cat that are listed but do not decode, with a word of the reason.
    public static let brokenImages = [
        ("0-empty.png", "empty file"), ("0-passwd.jpg", "not a JPEG, PNG or WebP"),
        ("0-text.png", "not a JPEG, PNG or WebP"), ("0-truncated.jpg", "truncated JPEG")
    ]
    /// The readable images of SDXL/a cat, by name.
    public static let goodCats = ["1.jpg", "2.png", "3.png"]

    /// Builds the dataset in `work/dataset` (and `work/outside`); returns the dataset folder.
    public static func make(in work: URL) throws -> URL {
        let fm = FileManager.default
        let root = work.appendingPathComponent("dataset")
        let photos = TestPaths.sharedImages
        func fill(_ dir: URL, _ files: [(String, String)]) throws {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            for (name, photo) in files { try fm.copyItem(at: photos.appendingPathComponent(photo), to: dir.appendingPathComponent(name)) }
        }
        let cat = root.appendingPathComponent("SDXL/a cat")
        try fill(cat, [("1.jpg", "rocket.jpg"), ("2.png", "coffee.png"), ("3.png", "chelsea.png")])
        try Data().write(to: cat.appendingPathComponent("0-empty.png"))
        try fm.createSymbolicLink(atPath: cat.appendingPathComponent("0-passwd.jpg").path, withDestinationPath: "/etc/passwd")
        try Data("this is not a picture\n".utf8).write(to: cat.appendingPathComponent("0-text.png"))
        let jpeg = try Data(contentsOf: photos.appendingPathComponent("hubble_deep_field.jpg"))
        try jpeg.prefix(jpeg.count / 2).write(to: cat.appendingPathComponent("0-truncated.jpg"))
        guard mkfifo(cat.appendingPathComponent("pipe.png").path, 0o644) == 0 else { throw POSIXError(.init(rawValue: errno)!) }
        try fm.createSymbolicLink(atPath: cat.appendingPathComponent("gone.jpg").path, withDestinationPath: "nowhere.jpg")

        try fill(work.appendingPathComponent("outside/a dog"), [("1.jpg", "franz-kafka.jpg"), ("2.png", "camera.png")])
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("SDXL/a dog").path, withDestinationPath: "../../outside/a dog")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("SDXL/loop").path, withDestinationPath: ".")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("SDXL/self").path, withDestinationPath: "self")

        // "café" in Latin-1: the byte E9 alone is not UTF-8. Made with POSIX calls from raw bytes.
        let cafe = Array(root.appendingPathComponent("SDXL").path.utf8) + Array("/caf".utf8) + [0xE9]
        try posix(mkdir, cafe, 0o755)
        for (name, photo) in [("1.jpg", "astronaut.png"), ("2.jpg", "camera.png")] {
            let bytes = [UInt8](try Data(contentsOf: photos.appendingPathComponent(photo)))
            let path = cafe + Array("/\(name)".utf8)
            let fd = path.withUnsafeBufferPointer { p in
                (p.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
            }
            guard fd >= 0 else { throw POSIXError(.init(rawValue: errno)!) }
            defer { close(fd) }
            guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress!, $0.count) }) == bytes.count else { throw POSIXError(.EIO) }
        }

        try fill(root.appendingPathComponent("pixart/a cat"), [("1.jpg", "rocket.jpg"), ("2.png", "camera.png"), ("3.jpg", "franz-kafka.jpg")])
        try fill(root.appendingPathComponent("pixart/a dog"), [("1.jpg", "hubble_deep_field.jpg"), ("2.png", "astronaut.png")])
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("linked").path, withDestinationPath: "pixart")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("again").path, withDestinationPath: ".")
        return root
    }

    /// Removes `work` entirely, including names FileManager cannot spell (not UTF-8).
    public static func remove(_ work: URL) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/rm")
        p.arguments = ["-rf", work.path]
        try? p.run()
        p.waitUntilExit()
    }

    private static func posix(_ call: (UnsafePointer<CChar>, mode_t) -> Int32, _ path: [UInt8], _ mode: mode_t) throws {
        let result = (path.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { call($0.baseAddress!, mode) }
        guard result == 0 else { throw POSIXError(.init(rawValue: errno)!) }
    }
}
