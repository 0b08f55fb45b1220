import Foundation
import TestSupport
import XCTest
@testable import SCSHub

/// Folders, argument validation and the environment, none of which touch the network.
final class ModelLocatorTests: HubTestCase {
    /// An endpoint that refuses connections, so any attempt to use the network fails loudly.
    var deadEndpoint: URL { URL(string: "http://127.0.0.1:9")! }

    func testExistingFolderIsReturnedAsIs() async throws {
        let fixture = TestPaths.fixtures.appendingPathComponent("models/tiny-b32")
        let folder = try await ModelLocator(environment: environment(endpoint: deadEndpoint)).resolve(fixture.path)
        XCTAssertEqual(folder.standardizedFileURL.path, fixture.standardizedFileURL.path)
    }

    func testFolderWithoutWeightsNamesTheMissingFileAndFolder() async throws {
        let folder = temp.appendingPathComponent("half-model")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: folder.appendingPathComponent("config.json"))
        let error = await resolveError(ModelLocator(environment: environment(endpoint: deadEndpoint)), folder.path)
        guard case let .missingFiles(missing, reported)? = error else { return XCTFail("got \(String(describing: error))") }
        XCTAssertEqual(missing, ["model.safetensors"])
        XCTAssertEqual(reported.standardizedFileURL.path, folder.standardizedFileURL.path)
        let text = try XCTUnwrap(error?.description)
        XCTAssertTrue(text.contains("model.safetensors"), text)
        XCTAssertTrue(text.contains(folder.standardizedFileURL.path), text)
    }

    func testFileInsteadOfFolderIsRejected() async throws {
        let file = TestPaths.fixtures.appendingPathComponent("models/tiny-b32/config.json")
        let error = await resolveError(ModelLocator(environment: environment(endpoint: deadEndpoint)), file.path)
        guard case .invalidModelArgument? = error else { return XCTFail("got \(String(describing: error))") }
    }

    func testBadRepoIdsAndRevisionsAreRejectedBeforeAnyNetwork() async throws {
        let locator = ModelLocator(environment: environment(endpoint: deadEndpoint))
        for bad in [
            "../etc/passwd", "a/b/c", "no-slash", "org/na..me", "org/--x", "org/x--y", "/abs", "org/", "/name",
            "org/name.git", "org/na me", "-org/name", "org/ä"
        ] {
            let error = await resolveError(locator, bad)
            guard case .invalidModelArgument(bad, _)? = error else {
                XCTFail("\(bad): got \(String(describing: error))")
                continue
            }
        }
        let missing = await resolveError(locator, temp.appendingPathComponent("nowhere").path)
        XCTAssertEqual(missing, .invalidModelArgument(temp.appendingPathComponent("nowhere").path, reason: "no such folder"))
        for bad in ["../main", "a/../b", "", "/main", "main/", "ma in"] {
            let error = await resolveError(locator, "org/name", revision: bad)
            guard case .invalidRevision? = error else { XCTFail("\(bad): got \(String(describing: error))"); continue }
        }
        XCTAssertNoThrow(try RepoID("openai/clip-vit-base-patch32"))
        XCTAssertNoThrow(try RepoID("laion/CLIP-ViT-B-32-laion2B-s34B-b79K"))
        XCTAssertNoThrow(try Revision.validate("refs/pr/1"))
        XCTAssertEqual(Revision.urlSegment("refs/pr/1"), "refs%2Fpr%2F1")
    }

    func testCacheDirectoryFollowsHuggingFaceHubPrecedence() {
        func cache(_ env: [String: String]) -> String { ModelLocator(environment: env).cacheDirectory.path }
        XCTAssertEqual(cache(["HOME": "/h"]), "/h/.cache/huggingface/hub")
        XCTAssertEqual(cache(["HOME": "/h", "XDG_CACHE_HOME": "/x"]), "/x/huggingface/hub")
        XCTAssertEqual(cache(["HOME": "/h", "XDG_CACHE_HOME": "/x", "HF_HOME": "/hf"]), "/hf/hub")
        XCTAssertEqual(cache(["HOME": "/h", "HF_HOME": "~/hf"]), "/h/hf/hub")
        XCTAssertEqual(cache(["HOME": "/h", "HF_HOME": "/hf", "HF_HUB_CACHE": "/c"]), "/c")
        XCTAssertEqual(cache(["HOME": "/h", "HUGGINGFACE_HUB_CACHE": "/legacy"]), "/legacy")
    }

    func testEndpointDefaultAndOverride() async throws {
        XCTAssertEqual(ModelLocator(environment: [:]).endpoint.absoluteString, "https://huggingface.co")
        XCTAssertEqual(
            ModelLocator(environment: ["HF_ENDPOINT": "http://mirror.local:8080/"]).endpoint.absoluteString,
            "http://mirror.local:8080")
        let bad = ModelLocator(environment: environment(endpoint: nil, ["HF_ENDPOINT": "ftp://x"]))
        let error = await resolveError(bad, "org/name")
        XCTAssertEqual(error, .invalidEndpoint("ftp://x"))
    }

    func testPrepopulatedCacheIsUsedWithoutNetwork() async throws {
        // A cache laid out by huggingface_hub: refs/main → snapshots/<commit>/<file> → ../../blobs/<etag>.
        let commit = String(repeating: "ab", count: 20)
        let repo = repoFolder("openai/clip-vit-base-patch32")
        let snapshot = repo.appendingPathComponent("snapshots/\(commit)")
        try FileManager.default.createDirectory(at: snapshot, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("blobs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("refs"), withIntermediateDirectories: true)
        try Data(commit.utf8).write(to: repo.appendingPathComponent("refs/main"))
        for (i, name) in ModelLocator.requiredFiles.enumerated() {
            try Data("blob \(i)".utf8).write(to: repo.appendingPathComponent("blobs/etag\(i)"))
            try FileManager.default.createSymbolicLink(
                atPath: snapshot.appendingPathComponent(name).path,
                withDestinationPath: "../../blobs/etag\(i)")
        }
        let locator = ModelLocator(environment: environment(endpoint: deadEndpoint))
        let folder = try await locator.resolve(ModelLocator.defaultModel)
        XCTAssertEqual(folder.path, snapshot.path)
        let byCommit = try await locator.resolve(ModelLocator.defaultModel, revision: commit)
        XCTAssertEqual(byCommit.path, snapshot.path)

        // A dangling link is not a cache hit: the dead endpoint is then reported.
        try FileManager.default.removeItem(at: repo.appendingPathComponent("blobs/etag1"))
        let error = await resolveError(locator, ModelLocator.defaultModel)
        guard case .unreachable? = error else { return XCTFail("got \(String(describing: error))") }
    }
}
