import Foundation
import SCSImaging

/// Small JPEG previews of registered images, made on first request and kept in memory.
///
/// A 768 × 768 generation is ~100 KB; forty of them per page is slow on a laptop's Wi-Fi.
/// Thumbnails are the image scaled (Pillow-exact BICUBIC) so its longer side is `maxSide`,
/// encoded at quality 85; the cache holds the most recently used `capacity` of them.
actor Thumbnails {
    let maxSide: Int
    let capacity: Int
    private var cache: [Int64: [UInt8]] = [:]
    private var order: [Int64] = []

    init(maxSide: Int = 256, capacity: Int = 4000) {
        self.maxSide = maxSide
        self.capacity = capacity
    }

    /// The thumbnail, from the cache or made now. Decoding and resizing run outside the actor,
    /// so a page's forty thumbnails are made in parallel, not one at a time.
    nonisolated func jpeg(for image: StudyImage) async throws -> [UInt8] {
        if let hit = await cached(image.id) { return hit }
        let bytes = try Self.make(path: image.path, maxSide: maxSide)
        await store(image.id, bytes)
        return bytes
    }

    private func cached(_ id: Int64) -> [UInt8]? { cache[id] }

    private func store(_ id: Int64, _ bytes: [UInt8]) {
        guard cache[id] == nil else { return }
        cache[id] = bytes
        order.append(id)
        if order.count > capacity { cache[order.removeFirst()] = nil }
    }

    static func make(path: String, maxSide: Int) throws -> [UInt8] {
        let image = try ImageDecoder.decode(fileAt: path)
        let scale = Double(maxSide) / Double(max(image.width, image.height))
        guard scale < 1 else { return try JPEGEncoder.encode(image, quality: 85) }
        let width = max(1, Int((Double(image.width) * scale).rounded()))
        let height = max(1, Int((Double(image.height) * scale).rounded()))
        return try JPEGEncoder.encode(BicubicResize.resize(image, width: width, height: height), quality: 85)
    }
}
