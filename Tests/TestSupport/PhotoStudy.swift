import Foundation

/// A study folder `<root>/<model>/<prompt>/<images>` made of the shared photos, for command tests.
public enum PhotoStudy {
    /// Copies each group's photos into `root/<model>/<prompt>/`: named 1.jpg, 2.png, … in the order
    /// given (`numbered`, so one photo can appear twice in a group), or under their own names.
    @discardableResult
    public static func make(
        at root: URL, _ groups: [(model: String, prompt: String, photos: [String])],
        numbered: Bool = true
    ) throws -> URL {
        for (model, prompt, photos) in groups {
            let dir = root.appendingPathComponent(model).appendingPathComponent(prompt)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (i, photo) in photos.enumerated() {
                let name = numbered ? "\(i + 1).\((photo as NSString).pathExtension)" : photo
                try FileManager.default.copyItem(
                    at: TestPaths.sharedImages.appendingPathComponent(photo),
                    to: dir.appendingPathComponent(name))
            }
        }
        return root
    }
}
