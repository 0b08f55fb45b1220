import Foundation
@testable import scs
import XCTest

/// stderr is one channel: a note never shares a line with a progress bar drawn on a terminal.
final class ConsoleTests: XCTestCase {
    /// What `body` writes to stderr (fd 2 is pointed at a pipe meanwhile).
    func stderr(_ body: () -> Void) throws -> String {
        let pipe = Pipe()
        let saved = dup(STDERR_FILENO)
        XCTAssertGreaterThanOrEqual(saved, 0)
        dup2(pipe.fileHandleForWriting.fileDescriptor, STDERR_FILENO)
        body()
        dup2(saved, STDERR_FILENO)
        close(saved)
        try pipe.fileHandleForWriting.close()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    func testANoteEndsTheBarsLineFirstAndOnlyOnce() throws {
        let written = try stderr {
            Console.drawBar("\rscoring 1/2")
            Console.drawBar("\rscoring 2/2")
            note("a note")
            note("another")
            Console.drawBar("\rembedding 1/1")
            Console.endBar()
            Console.endBar()
        }
        XCTAssertEqual(written, "\rscoring 1/2\rscoring 2/2\na note\nanother\n\rembedding 1/1\n")
    }
}
