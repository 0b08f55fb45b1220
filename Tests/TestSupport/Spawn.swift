import Foundation

/// Runs a program to its end with posix_spawn and waitpid, its output in temporary files.
///
/// For commands that start daemons (scripts/slurm/local-cluster.sh): Foundation's `Process`
/// learns of a child's exit from SIGCHLD, and here that notice was seen to go missing while the
/// child's own children were daemonising, leaving `waitUntilExit` waiting on a zombie for ever.
/// `waitpid` on the child's pid cannot miss it.
public enum Spawn {
    public static func run(_ arguments: [String], environment: [String: String], directory: URL) throws -> CLIResult {
        let temp = FileManager.default.temporaryDirectory
        let outURL = temp.appendingPathComponent("scs-spawn-\(UUID().uuidString).out")
        let errURL = temp.appendingPathComponent("scs-spawn-\(UUID().uuidString).err")
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // posix_spawn has no portable chdir: a shell changes folder, then becomes the command.
        let argv = (["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "/bin/sh", &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw NSError(domain: NSPOSIXErrorDomain, code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "posix_spawn \(arguments)"])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let read = { (url: URL) in String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }
        return CLIResult(status: code, stdout: read(outURL), stderr: read(errURL))
    }
}
