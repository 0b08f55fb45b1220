import Foundation

/// Reads a pipe to its end on another thread, so that a child filling one pipe never blocks while
/// the test reads the other; `wait()` gives what was read once the pipe closed.
public final class BackgroundRead: @unchecked Sendable {
    private var data = Data()
    private let group = DispatchGroup()

    public init(_ handle: FileHandle) {
        group.enter()
        DispatchQueue.global().async {
            self.data = handle.readDataToEndOfFile()
            self.group.leave()
        }
    }

    public func wait() -> Data {
        group.wait()
        return data
    }
}
