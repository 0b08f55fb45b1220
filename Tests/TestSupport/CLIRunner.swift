import Foundation

/// Runs the built `scs` executable, as a user would, and captures what it prints.
public struct CLIResult {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

public enum CLIRunner {
    /// The `scs` binary beside the test bundle (swift build puts products in one folder).
    public static var binary: URL {
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("scs")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return TestPaths.repoRoot.appendingPathComponent(".build/debug/scs")
    }

    /// Starts `scs` with `arguments`; the environment is ours plus `environment`.
    public static func start(_ arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }

    public static func run(_ arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws -> CLIResult {
        let (process, out, err) = try start(arguments, environment: environment, directory: directory)
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        let errRead = BackgroundRead(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = errRead.wait()
        process.waitUntilExit()
        return CLIResult(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
