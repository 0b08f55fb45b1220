import Foundation
import SCSImaging

/// A throw-away two-model dataset in a temporary folder, and where its study goes. Here, not in
/// AnnotateTests, because both the library's tests and the `scs annotate` command tests use it;
/// what needs SCSAnnotate (creating the study, reading its answers) is in AnnotateTests.
public struct StudyFixture {
    public let root: URL
    public let dataset: URL
    public let studyPath: String

    /// `<root>/ds/<model>/<prompt>/<NN>.jpg`: small solid-colour JPEGs, `images` per model and
    /// prompt, plus a hidden file and a stray text file that must be ignored.
    public static func make(models: [String] = ["SDXL", "pixart"], prompts: [String], images: Int = 3, size: Int = 48) throws -> StudyFixture {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("annotate-\(UUID().uuidString)")
        let dataset = root.appendingPathComponent("ds")
        for (m, model) in models.enumerated() {
            for (p, prompt) in prompts.enumerated() {
                let folder = dataset.appendingPathComponent(model).appendingPathComponent(prompt)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for i in 0..<images {
                    let shade = UInt8((m * 97 + p * 31 + i * 13) % 256)
                    let pixels = (0..<(size * size)).flatMap { _ in [shade, UInt8(255 - Int(shade)), UInt8(i * 40 % 256)] }
                    let jpeg = try JPEGEncoder.encode(RGBImage(width: size, height: size, pixels: pixels))
                    try Data(jpeg).write(to: folder.appendingPathComponent(String(format: "%02d.jpg", i)))
                }
                try Data("x".utf8).write(to: folder.appendingPathComponent(".DS_Store"))
                try Data("notes".utf8).write(to: folder.appendingPathComponent("notes.txt"))
            }
        }
        return StudyFixture(root: root, dataset: dataset, studyPath: root.appendingPathComponent("study.db").path)
    }

    public func remove() { try? FileManager.default.removeItem(at: root) }
}
