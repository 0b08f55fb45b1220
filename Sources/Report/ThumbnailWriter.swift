import Foundation
import SCSImaging

/// Writes the gallery thumbnails: each image scaled (Pillow-exact BICUBIC) so its longer side
/// is `maxSide`, JPEG quality 85 — about 10 KB instead of the original's ~100 KB, so a page of
/// 60 images opens fast. Made in parallel, one file per image.
enum ThumbnailWriter {
    static func make(path: String, maxSide: Int) throws -> [UInt8] {
        try Thumbnail.jpeg(fileAt: path, maxSide: maxSide)
    }

    /// Writes `jobs` (source image, destination file); the first failure, naming the image, is
    /// thrown after the others finish.
    static func write(
        _ jobs: [(source: String, destination: URL)], maxSide: Int,
        progress: ((Int, Int) -> Void)? = nil
    ) throws {
        var errors = [ReportError?](repeating: nil, count: jobs.count)
        let lock = NSLock()
        var done = 0
        errors.withUnsafeMutableBufferPointer { buffer in
            let out = buffer
            DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
                do {
                    let bytes = try make(path: jobs[i].source, maxSide: maxSide)
                    try Data(bytes).write(to: jobs[i].destination)
                } catch {
                    out[i] = ReportError("\(jobs[i].source): cannot make a thumbnail: \(FileProblem.describe(error))")
                }
                lock.lock(); done += 1; let d = done; lock.unlock()
                if d % 50 == 0 || d == jobs.count { progress?(d, jobs.count) }
            }
        }
        if let first = errors.compactMap({ $0 }).first { throw first }
    }
}
