import Foundation
import XCTest
@testable import SCSHub

/// Downloads from a stub hub on 127.0.0.1 into a temporary huggingface_hub cache.
final class DownloadTests: HubTestCase {
    let repo = "test-org/tiny-clip"

    func testDownloadBuildsHuggingFaceCacheLayoutThenHitsCacheWithoutNetwork() async throws {
        let fixture = try StubHub.fixtureFiles()
        let hub = try await startHub(.init(files: fixture))
        let commit = hub.behaviour.commit
        let progress = ProgressLog()
        let locator = ModelLocator(environment: environment(endpoint: hub.url))

        let folder = try await locator.resolve(repo, progress: progress.callback)

        let repoFolder = repoFolder()
        XCTAssertEqual(folder.standardizedFileURL.path, repoFolder.appendingPathComponent("snapshots/\(commit)").path)
        for (name, bytes) in fixture {
            XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent(name)), bytes, name)
        }
        XCTAssertEqual(try String(contentsOf: repoFolder.appendingPathComponent("refs/main"), encoding: .utf8), commit)
        let sha = StubHub.sha256(fixture["model.safetensors"]!)
        let link = try FileManager.default.destinationOfSymbolicLink(
            atPath: folder.appendingPathComponent("model.safetensors").path)
        XCTAssertEqual(link, "../../blobs/\(sha)")
        let configLink = try FileManager.default.destinationOfSymbolicLink(
            atPath: folder.appendingPathComponent("config.json").path)
        XCTAssertEqual(configLink, "../../blobs/\(StubHub.gitEtag(fixture["config.json"]!))", "weak ETag normalised")
        let blobs = files(under: repoFolder.appendingPathComponent("blobs"))
        XCTAssertEqual(blobs.count, 3)
        XCTAssertTrue(blobs.contains(sha))
        XCTAssertFalse(blobs.contains { $0.hasSuffix(".incomplete") })

        // HEAD on the hub for each file (revision pinned to the commit after the first), one GET per file.
        let requests = hub.log
        XCTAssertEqual(
            requests.filter { $0.method == "HEAD" }.map(\.path),
            [
                "/\(repo)/resolve/main/config.json",
                "/\(repo)/resolve/\(commit)/model.safetensors"
            ]
                + ["preprocessor_config.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt", "spiece.model"]
                .map { "/\(repo)/resolve/\(commit)/\($0)" })
        XCTAssertEqual(requests.filter { $0.method == "GET" && $0.path.hasPrefix("/cdn/") }.count, 1)
        XCTAssertTrue(requests.allSatisfy { $0.range == nil })

        let last = try XCTUnwrap(progress.events.last { $0.file == "model.safetensors" })
        XCTAssertEqual(last.done, Int64(fixture["model.safetensors"]!.count))
        XCTAssertEqual(last.total, Int64(fixture["model.safetensors"]!.count))

        // With the hub gone the cache answers, without a single request.
        let count = hub.log.count
        await hub.stop()
        let again = try await locator.resolve(repo)
        XCTAssertEqual(again, folder)
        XCTAssertEqual(hub.log.count, count)
        let offline = ModelLocator(environment: environment(endpoint: hub.url, ["HF_HUB_OFFLINE": "1"]))
        let offlineFolder = try await offline.resolve(repo)
        XCTAssertEqual(offlineFolder, folder)
    }

    /// The text towers' tokenizer files come with the model when the repo has them.
    func testTokenizerFilesComeWithTheModel() async throws {
        var files = try StubHub.fixtureFiles()
        files["vocab.json"] = Data("{\"a\": 0}".utf8)
        files["merges.txt"] = Data("#version: 0.2\na b\n".utf8)
        files["spiece.model"] = Data([0x0A, 0x03, 0x0A, 0x01, 0x61])
        let hub = try await startHub(.init(files: files))
        let folder = try await ModelLocator(environment: environment(endpoint: hub.url)).resolve(repo)
        for name in ["vocab.json", "merges.txt", "spiece.model"] {
            XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent(name)), files[name], name)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("tokenizer_config.json").path))
    }

    func testMissingOptionalPreprocessorIsIgnoredAndMarked() async throws {
        let hub = try await startHub(.init(files: try StubHub.fixtureFiles(preprocessor: false)))
        let folder = try await ModelLocator(environment: environment(endpoint: hub.url)).resolve(repo)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("preprocessor_config.json").path))
        XCTAssertTrue(
            FileManager.default.fileExists(
                atPath: repoFolder()
                    .appendingPathComponent(".no_exist/\(hub.behaviour.commit)/preprocessor_config.json").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.safetensors").path))
    }

    func testTokenGoesToTheHubButNotToTheCDN() async throws {
        let hub = try await startHub(.init(files: try StubHub.fixtureFiles()))
        let locator = ModelLocator(environment: environment(endpoint: hub.url, ["HF_TOKEN": "hf_secret"]))
        _ = try await locator.resolve(repo)
        let requests = hub.log
        let hubRequests = requests.filter { !$0.path.hasPrefix("/cdn/") }
        let cdnRequests = requests.filter { $0.path.hasPrefix("/cdn/") }
        XCTAssertFalse(hubRequests.isEmpty)
        XCTAssertFalse(cdnRequests.isEmpty)
        XCTAssertTrue(hubRequests.allSatisfy { $0.authorization == "Bearer hf_secret" })
        XCTAssertTrue(cdnRequests.allSatisfy { $0.authorization == nil })
    }

    func testDroppedConnectionIsResumedWithRange() async throws {
        let fixture = try StubHub.fixtureFiles()
        let hub = try await startHub(.init(files: fixture, dropFirstCDNGetAfter: 300_000))
        let folder = try await ModelLocator(environment: environment(endpoint: hub.url)).resolve(repo)

        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("model.safetensors")), fixture["model.safetensors"])
        let gets = hub.log.filter { $0.method == "GET" && $0.path.hasPrefix("/cdn/") }
        XCTAssertEqual(gets.count, 2)
        XCTAssertNil(gets.first?.range)
        let range = try XCTUnwrap(gets.last?.range)
        let start = try XCTUnwrap(Int(range.dropFirst("bytes=".count).dropLast()), range)
        XCTAssertTrue(range.hasPrefix("bytes=") && range.hasSuffix("-"))
        XCTAssertGreaterThan(start, 0)
        XCTAssertLessThanOrEqual(start, 300_000)
    }

    /// The fixture's files, and its weights' blob already `.incomplete` in the cache with `partial`
    /// (what an interrupted download leaves).
    func interruptedDownload(_ partial: (Data) -> Data) throws -> (fixture: [String: Data], model: Data, blobs: URL, sha: String) {
        let fixture = try StubHub.fixtureFiles()
        let model = fixture["model.safetensors"]!
        let sha = StubHub.sha256(model)
        let blobs = repoFolder().appendingPathComponent("blobs")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        try partial(model).write(to: blobs.appendingPathComponent("\(sha).incomplete"))
        return (fixture, model, blobs, sha)
    }

    func testPartialIncompleteBlobIsResumedWithRange() async throws {
        let (fixture, model, blobs, sha) = try interruptedDownload { $0.prefix(100_000) }
        let hub = try await startHub(.init(files: fixture))
        let progress = ProgressLog()

        let folder = try await ModelLocator(environment: environment(endpoint: hub.url)).resolve(repo, progress: progress.callback)

        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("model.safetensors")), model)
        let gets = hub.log.filter { $0.method == "GET" && $0.path.hasPrefix("/cdn/") }
        XCTAssertEqual(gets.map(\.range), ["bytes=100000-"])
        XCTAssertEqual(progress.events.first { $0.file == "model.safetensors" }?.done, 100_000)
        XCTAssertFalse(FileManager.default.fileExists(atPath: blobs.appendingPathComponent("\(sha).incomplete").path))
    }

    func testServerIgnoringRangeRestartsFromScratch() async throws {
        let (fixture, model, blobs, sha) = try interruptedDownload { _ in Data(repeating: 0xAB, count: 100_000) }
        let hub = try await startHub(.init(files: fixture, ignoreRange: true))

        let folder = try await ModelLocator(environment: environment(endpoint: hub.url)).resolve(repo)

        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("model.safetensors")), model)
        XCTAssertEqual(hub.log.filter { $0.path.hasPrefix("/cdn/") }.map(\.range), ["bytes=100000-"])
    }

    func testSizeMismatchIsDetectedAndNothingIsCached() async throws {
        let hub = try await startHub(.init(files: try StubHub.fixtureFiles(), sizeSkew: 1))
        let error = await resolveError(ModelLocator(environment: environment(endpoint: hub.url)), repo)
        let size = Int64(try StubHub.fixtureFiles()["model.safetensors"]!.count)
        XCTAssertEqual(error, .sizeMismatch(file: "model.safetensors", expected: size + 1, actual: size))
        XCTAssertFalse(files(under: repoFolder()).contains { $0.hasSuffix(".incomplete") || $0.hasPrefix("refs/") })
    }

    func testChecksumMismatchIsDetectedAndThePartialDiscarded() async throws {
        let fixture = try StubHub.fixtureFiles()
        let hub = try await startHub(.init(files: fixture, corruptCDN: true))
        let error = await resolveError(ModelLocator(environment: environment(endpoint: hub.url)), repo)
        guard case let .checksumMismatch(file, expected, actual)? = error else {
            return XCTFail("expected a checksum mismatch, got \(String(describing: error))")
        }
        XCTAssertEqual(file, "model.safetensors")
        XCTAssertEqual(expected, StubHub.sha256(fixture["model.safetensors"]!))
        XCTAssertNotEqual(actual, expected)
        let blobs = files(under: repoFolder().appendingPathComponent("blobs"))
        XCTAssertFalse(blobs.contains { $0.hasPrefix(expected) })
        XCTAssertNil(
            ModelLocator(environment: environment(endpoint: hub.url, ["HF_HUB_OFFLINE": "1"]))
                .cacheHit(repo))
    }

    func testUnknownRepoGives404WithURLAndRemedy() async throws {
        let hub = try await startHub(.init(files: try StubHub.fixtureFiles()))
        let error = await resolveError(ModelLocator(environment: environment(endpoint: hub.url)), "test-org/missing")
        let url = URL(string: "\(hub.url.absoluteString)/test-org/missing/resolve/main/config.json")!
        XCTAssertEqual(error, .httpStatus(404, url: url, repo: "test-org/missing", endpoint: hub.url))
        XCTAssertEqual(
            error?.description,
            "cannot download test-org/missing from \(hub.url.absoluteString) (HTTP 404 Not Found for \(url.absoluteString)): "
                + "download config.json and model.safetensors from \(hub.url.absoluteString)/test-org/missing "
                + "into a folder and load the model from that folder, or set HF_ENDPOINT to a reachable mirror")
    }

    func testServerErrorCarriesStatusAndURL() async throws {
        let hub = try await startHub(.init(files: try StubHub.fixtureFiles(), failResolveWith: 500))
        let error = await resolveError(ModelLocator(environment: environment(endpoint: hub.url)), repo)
        guard case let .httpStatus(status, url, _, _)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertEqual(status, 500)
        XCTAssertEqual(url.path, "/\(repo)/resolve/main/config.json")
        XCTAssertTrue(error!.description.contains("HTTP 500 Internal Server Error for \(url.absoluteString)"))
    }

    func testUnreachableEndpointGivesOneClearLine() async throws {
        let port = try await closedPort()
        let endpoint = URL(string: "http://127.0.0.1:\(port)")!
        let started = Date()
        let error = await resolveError(ModelLocator(environment: environment(endpoint: endpoint)), repo)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertEqual(
            error?.description,
            "cannot download test-org/tiny-clip from http://127.0.0.1:\(port) (connection refused): "
                + "download config.json and model.safetensors from http://127.0.0.1:\(port)/test-org/tiny-clip "
                + "into a folder and load the model from that folder, or set HF_ENDPOINT to a reachable mirror")
    }

    /// A failure after the hub's redirect names the CDN's host, not the hub's, and does not blame HF_TOKEN.
    func testCDNFailuresNameTheCDNHost() async throws {
        let hub = try await startHub(.init(files: try StubHub.fixtureFiles(), cdnFailWith: 403))
        let env = environment(endpoint: hub.url, ["HF_TOKEN": "hf_secret"])
        let forbidden = await resolveError(ModelLocator(environment: env), repo)
        guard case let .httpStatus(403, url, _, _)? = forbidden else { return XCTFail("got \(String(describing: forbidden))") }
        XCTAssertEqual(url.host, "localhost")
        XCTAssertEqual(
            forbidden?.description,
            "cannot download \(repo): the file host localhost:\(hub.port) that \(hub.url.absoluteString) redirected to answered "
                + "HTTP 403 Forbidden for http://localhost:\(hub.port)/cdn/\(StubHub.sha256(try StubHub.fixtureFiles()["model.safetensors"]!)): "
                + "download config.json and model.safetensors from \(hub.url.absoluteString)/\(repo) "
                + "into a folder and load the model from that folder, or set HF_ENDPOINT to a reachable mirror")

        // A CDN that does not answer at all (nothing listens on 127.0.0.2).
        var behaviour = hub.behaviour
        behaviour.cdnFailWith = nil
        behaviour.cdnHost = "127.0.0.2"
        hub.behaviour = behaviour
        let unreachable = await resolveError(ModelLocator(environment: env), repo)
        guard case let .unreachable(_, url2, endpoint, reason)? = unreachable else { return XCTFail("got \(String(describing: unreachable))") }
        XCTAssertEqual(url2.host, "127.0.0.2")
        XCTAssertEqual(endpoint, hub.url)
        XCTAssertEqual(reason, "connection refused")
        XCTAssertTrue(
            unreachable!.description.hasPrefix(
                "cannot download \(repo): the file host 127.0.0.2:\(hub.port) that "
                    + "\(hub.url.absoluteString) redirected to could not be reached (connection refused)"),
            unreachable!.description)
    }

    func testOfflineWithEmptyCacheMakesNoRequestAndSaysWhatToDo() async throws {
        let hub = try await startHub(.init(files: try StubHub.fixtureFiles()))
        let locator = ModelLocator(environment: environment(endpoint: hub.url, ["HF_HUB_OFFLINE": "1"]))
        let error = await resolveError(locator, repo)
        XCTAssertEqual(
            error?.description,
            "HF_HUB_OFFLINE is set and test-org/tiny-clip is not in the Hugging Face cache at \(cacheDir.path): "
                + "download config.json and model.safetensors from \(hub.url.absoluteString)/test-org/tiny-clip "
                + "into a folder and load the model from that folder, or unset HF_HUB_OFFLINE")
        XCTAssertTrue(hub.log.isEmpty)
    }
}

extension ModelLocator {
    /// The cached snapshot of `repo` at `main`, if complete.
    func cacheHit(_ repo: String) -> URL? {
        HubCache(root: cacheDirectory).completeSnapshot(try! RepoID(repo), revision: "main", files: Self.requiredFiles)
    }
}

/// Repos that hold their weights otherwise: only `pytorch_model.bin` (PickScore's), or one
/// checkpoint file named after the repo id (HPSv2's `xswu/HPSv2/HPS_v2_compressed.pt`).
final class OtherWeightsDownloadTests: HubTestCase {
    func testARepoWithOnlyPyTorchWeightsFallsBackToThem() async throws {
        var files = try StubHub.fixtureFiles()
        files["pytorch_model.bin"] = files.removeValue(forKey: "model.safetensors")
        let hub = try await startHub(.init(files: files, lfsFiles: ["pytorch_model.bin"]))
        let locator = ModelLocator(environment: environment(endpoint: hub.url))
        let folder = try await locator.resolve("test-org/tiny-clip")
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("pytorch_model.bin")), files["pytorch_model.bin"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.safetensors").path))
        // Cached: found again with the hub gone.
        await hub.stop()
        let again = try await locator.resolve("test-org/tiny-clip")
        XCTAssertEqual(again, folder)
    }

    func testOneCheckpointFileOfARepo() async throws {
        let checkpoint = Data((0..<3000).map { UInt8($0 % 199) })
        let hub = try await startHub(.init(files: ["HPS_v2_compressed.pt": checkpoint], lfsFiles: ["HPS_v2_compressed.pt"]))
        let locator = ModelLocator(environment: environment(endpoint: hub.url))
        let file = try await locator.resolve("test-org/tiny-clip/HPS_v2_compressed.pt")
        XCTAssertEqual(file.lastPathComponent, "HPS_v2_compressed.pt")
        XCTAssertEqual(try Data(contentsOf: file), checkpoint)
        XCTAssertTrue(hub.log.contains { $0.path.hasSuffix("/resolve/main/HPS_v2_compressed.pt") }, "\(hub.log.map(\.path))")
        await hub.stop()
        let offline = ModelLocator(environment: environment(endpoint: hub.url, ["HF_HUB_OFFLINE": "1"]))
        let cached = try await offline.resolve("test-org/tiny-clip/HPS_v2_compressed.pt")
        XCTAssertEqual(cached, file)
    }
}
