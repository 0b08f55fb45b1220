import Foundation
import SCSImaging

/// The images the server sends, made from the registered files: small JPEG previews (made once,
/// kept in memory) and full-size re-encodings.
///
/// A 768 × 768 generation is ~100 KB; forty of them per page is slow on a laptop's Wi-Fi.
/// Thumbnails are the image scaled (Pillow-exact BICUBIC) so its longer side is `maxSide`,
/// encoded at quality 85; the cache holds the most recently used `capacity` of them.
///
/// Full size is the decoded pixels encoded again (JPEG, quality 95), not the file: generators
/// write their settings into files (AUTOMATIC1111's PNG `parameters` chunk names the checkpoint,
/// ComfyUI's the whole workflow), and a blind study cannot hand those to annotators.
///
/// Work is bounded whatever a page asks for: one decode per image at a time (requests for an image
/// being made wait for it) and at most `limiter.limit` decodes at once across all images.
actor Thumbnails {
    let maxSide: Int
    let capacity: Int
    nonisolated let limiter: DecodeLimiter
    private var cache: [Int64: [UInt8]] = [:]
    private var order: [Int64] = []
    private var making: [Int64: Task<[UInt8], Error>] = [:]
    /// Thumbnails made (not served from the cache or a decode already running): for tests.
    private(set) var made = 0

    init(maxSide: Int = 256, capacity: Int = 4000, concurrentDecodes: Int = Thumbnails.defaultConcurrency) {
        self.maxSide = maxSide
        self.capacity = capacity
        self.limiter = DecodeLimiter(limit: concurrentDecodes)
    }

    /// One decode per core, at most four: enough to keep the cores busy, and a bounded number of
    /// full-size pixel buffers (a 4096² image is 50 MB) in memory at once.
    static let defaultConcurrency = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))

    /// The thumbnail, from the cache, from a decode already under way, or made now (off the
    /// actor, so different images are made in parallel up to the limit).
    func jpeg(for image: StudyImage) async throws -> [UInt8] {
        if let hit = cache[image.id] { return hit }
        if let running = making[image.id] { return try await running.value }
        let path = image.path, maxSide = maxSide, limiter = limiter
        let task = Task.detached { try await limiter.run { try Self.make(path: path, maxSide: maxSide) } }
        making[image.id] = task
        made += 1
        defer { making[image.id] = nil }
        let bytes = try await task.value
        store(image.id, bytes)
        return bytes
    }

    /// The whole image, re-encoded without any of the file's metadata.
    nonisolated func full(for image: StudyImage) async throws -> [UInt8] {
        let path = image.path
        return try await limiter.run { try JPEGEncoder.encode(try ImageDecoder.decode(fileAt: path), quality: 95) }
    }

    /// Makes the thumbnails of `images` one at a time, in random order, so that no annotator's
    /// page waits on a decode, and how long a thumbnail takes says nothing of which model drew it
    /// or whether someone looked at it before. One at a time leaves the other cores to requests.
    func warm(_ images: [StudyImage]) async {
        for image in images.shuffled() {
            if Task.isCancelled { return }
            _ = try? await jpeg(for: image)
        }
    }

    private func store(_ id: Int64, _ bytes: [UInt8]) {
        guard cache[id] == nil else { return }
        cache[id] = bytes
        order.append(id)
        if order.count > capacity { cache[order.removeFirst()] = nil }
    }

    static func make(path: String, maxSide: Int) throws -> [UInt8] {
        try Thumbnail.jpeg(fileAt: path, maxSide: maxSide)
    }
}

/// A counting semaphore for decodes: `run` waits for one of `limit` slots.
actor DecodeLimiter {
    let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// The most decodes ever run at once: for tests.
    private(set) var peak = 0

    init(limit: Int) { self.limit = max(1, limit) }

    private func acquire() async {
        if running < limit {
            running += 1
            peak = max(peak, running)
            return
        }
        // The slot is handed over by `release`, so `running` stays counted.
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
    }

    nonisolated func run<T: Sendable>(_ body: @Sendable () throws -> T) async throws -> T {
        await acquire()
        do {
            let value = try body()
            await release()
            return value
        } catch {
            await release()
            throw error
        }
    }
}
