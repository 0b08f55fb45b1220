import XCTest

/// The error `body` throws when it is an `E` whose description is one line (every error scs shows
/// a person is); otherwise a test failure, and nil: nothing thrown, another type, several lines.
public func oneLineError<E: Error & CustomStringConvertible>(
    _ type: E.Type, file: StaticString = #filePath, line: UInt = #line,
    _ body: () async throws -> Any
) async -> E? {
    do {
        let value = try await body()
        XCTFail("expected \(E.self), got \(value)", file: file, line: line)
    } catch let error as E {
        XCTAssertFalse(error.description.contains("\n"), "one line: \(error)", file: file, line: line)
        return error
    } catch {
        XCTFail("expected \(E.self), got \(error)", file: file, line: line)
    }
    return nil
}
