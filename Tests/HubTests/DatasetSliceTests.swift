import Foundation
@testable import SCSHub
import HubStubs
import TestSupport
import XCTest

/// `DatasetSlice` (scs fetch-study) against a stand-in hub whose `resolve` redirects to a CDN on
/// another port that refuses `Authorization`, with listings paged 3 entries at a time.
final class DatasetSliceTests: HubTestCase {
    private var stubs: [StubDatasetHub] = []

    override func tearDown() async throws {
        for stub in stubs { await stub.stop() }
        stubs = []
        try await super.tearDown()
    }

    func startDatasetHub(_ behaviour: StubDatasetHub.Behaviour) async throws -> StubDatasetHub {
        let stub = try await StubDatasetHub.start(behaviour)
        stubs.append(stub)
        return stub
    }

    /// SDXL and pixart with five prompts each (four shared), three images and a text file per prompt.
    static func files() -> [String: Data] {
        var files: [String: Data] = ["README.md": Data("readme".utf8)]
        for (model, prompts) in [
            ("SDXL", ["a cat", "a man's portrait", "b dog", "c owl", "zebra"]),
            ("pixart", ["a cat", "a man's portrait", "b dog", "c owl", "yak"])
        ] {
            for p in prompts {
                for seed in ["11", "22", "33"] { files["\(model)/\(p)/\(seed).jpg"] = Data("\(model)/\(p)/\(seed) jpeg bytes".utf8) }
                files["\(model)/\(p)/notes.txt"] = Data("x".utf8)
            }
        }
        return files
    }

    func slice(_ env: [String: String], prompts: DatasetSlice.Prompts = .first(4), images: Int = 2) -> DatasetSlice {
        var slice = DatasetSlice(environment: env)
        slice.prompts = prompts
        slice.images = images
        return slice
    }

    func fetchError(_ slice: DatasetSlice, into folder: URL, file: StaticString = #filePath, line: UInt = #line) async -> DatasetError? {
        await oneLineError(DatasetError.self, file: file, line: line) { try await slice.fetch(into: folder) }
    }

    func testTokenOnlyToTheHubListingsPagedFilesThroughTheCDNThenOfflineFromDisk() async throws {
        let files = Self.files()
        let hub = try await startDatasetHub(.init(files: files, pageSize: 3, requiredToken: "hf_secret"))
        let out = temp.appendingPathComponent("study")
        let env = environment(endpoint: hub.url, ["HF_TOKEN": "hf_secret"])

        let outcome = try await slice(env).fetch(into: out)
        XCTAssertEqual(outcome, .init(fetched: 16, present: 0, fromDisk: nil))
        for model in ["SDXL", "pixart"] {
            // The 4th prompt by name ("c owl") is on the listing's second page.
            for p in ["a cat", "a man's portrait", "b dog", "c owl"] {
                let dir = out.appendingPathComponent("\(model)/\(p)")
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["11.jpg", "22.jpg"], dir.path)
                XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("22.jpg")), files["\(model)/\(p)/22.jpg"])
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("SDXL/zebra").path))
        let log = hub.log
        let cdn = log.filter { $0.server == "cdn" }, onHub = log.filter { $0.server == "hub" }
        XCTAssertEqual(cdn.count, 16)
        XCTAssertTrue(cdn.allSatisfy { $0.authorization == nil }, "the token went to the CDN: \(cdn.map(\.authorization))")
        XCTAssertTrue(onHub.allSatisfy { $0.authorization == "Bearer hf_secret" })
        // Each model folder (6 entries) takes two pages; every page was asked for.
        XCTAssertEqual(onHub.filter { $0.path.hasSuffix("/tree/main/SDXL") }.map(\.query), [nil, "cursor=3"])
        XCTAssertEqual(onHub.filter { $0.path.hasSuffix("/tree/main/SDXL/a cat") }.map(\.query), [nil, "cursor=3"])

        // Again: nothing fetched, everything kept.
        let again = try await slice(env).fetch(into: out)
        XCTAssertEqual(again, .init(fetched: 0, present: 16, fromDisk: nil))
        XCTAssertEqual(hub.log.filter { $0.server == "cdn" }.count, 16)
        await hub.stop()

        // HF_HUB_OFFLINE: from the disk, checked against what the complete fetch listed.
        let offline = try await slice(environment(endpoint: hub.url, ["HF_HUB_OFFLINE": "1"])).fetch(into: out)
        XCTAssertEqual(offline, .init(fetched: 0, present: 16, fromDisk: .offlineSet))
        // No answer at all (the hub is gone): the same, and it says why.
        let unreachable = try await slice(env).fetch(into: out)
        guard case let .unreachable(url, reason)? = unreachable.fromDisk else { return XCTFail("\(unreachable)") }
        XCTAssertEqual(url.port, hub.url.port)
        XCTAssertEqual(reason, "connection refused")
        XCTAssertEqual(unreachable.present, 16)

        // A file gone: offline names it, and why the hub was not asked.
        try FileManager.default.removeItem(at: out.appendingPathComponent("pixart/b dog/22.jpg"))
        let missing = await fetchError(slice(environment(endpoint: hub.url, ["HF_HUB_OFFLINE": "1"])), into: out)
        XCTAssertEqual(
            missing,
            .incomplete(
                repo: DatasetSlice.paperRepo, folder: out.path, missing: .files(["pixart/b dog/22.jpg"]),
                cause: .offlineSet, endpoint: hub.url))
        XCTAssertEqual(
            missing?.description,
            "HF_HUB_OFFLINE is set and \(out.path) lacks 1 file of the slice of "
                + "\(DatasetSlice.paperRepo) (pixart/b dog/22.jpg): unset HF_HUB_OFFLINE to fetch it")
        let noAnswer = await fetchError(slice(env), into: out)
        XCTAssertTrue(
            noAnswer?.description.hasPrefix(
                "no answer from 127.0.0.1:\(hub.hubPort) (connection refused; offline?) and "
                    + "\(out.path) lacks 1 file of the slice") ?? false, "\(String(describing: noAnswer))")
        // A prompt no complete fetch listed: the listing that is missing is named.
        var other = slice(environment(endpoint: hub.url, ["HF_HUB_OFFLINE": "1"]), prompts: .named(["zebra"]))
        other.models = ["SDXL"]
        let more = await fetchError(other, into: out)
        XCTAssertTrue(
            more?.description.contains("holds no complete fetch of this slice of \(DatasetSlice.paperRepo) (no listing of SDXL/zebra recorded)")
                ?? false, "\(String(describing: more))")
        XCTAssertFalse(FileManager.default.enumerator(atPath: out.path)!.allObjects.contains { "\($0)".hasSuffix(".part") })
    }

    func testNamedPromptsMatchFolderNamesWithUnderscores() async throws {
        var files = Self.files()
        files["SDXL/a man_s portrait in the style of TOK/1.jpg"] = Data("lora".utf8)
        let hub = try await startDatasetHub(.init(files: files, pageSize: 4))
        var s = slice(environment(endpoint: hub.url), prompts: .named(["a man's portrait in the style of TOK", "zebra"]), images: 5)
        s.models = ["SDXL"]
        let out = temp.appendingPathComponent("named")
        let outcome = try await s.fetch(into: out)
        XCTAssertEqual(outcome.fetched, 4)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("SDXL/a man_s portrait in the style of TOK/1.jpg").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("SDXL/zebra/33.jpg").path))

        s.prompts = .named(["zebra", "a unicorn", "a yeti"])
        let error = await fetchError(s, into: out)
        XCTAssertEqual(error, .missingPrompts(repo: DatasetSlice.paperRepo, revision: "main", model: "SDXL", prompts: ["a unicorn", "a yeti"]))
    }

    func testErrorsSayWhatToDo() async throws {
        let hub = try await startDatasetHub(.init(files: Self.files(), requiredToken: "hf_secret"))
        let out = temp.appendingPathComponent("errors")

        // 401: no token, then a wrong one.
        let noToken = await fetchError(slice(environment(endpoint: hub.url)), into: out)
        XCTAssertEqual(
            noToken?.description,
            "\(hub.url.absoluteString) refused the listing of SDXL of \(DatasetSlice.paperRepo) "
                + "(HTTP 401 Unauthorized: Invalid credentials in Authorization header): set HF_TOKEN to a token with access to the data set")
        let wrong = await fetchError(slice(environment(endpoint: hub.url, ["HF_TOKEN": "hf_wrong"])), into: out)
        XCTAssertTrue(
            wrong?.description.hasSuffix("check HF_TOKEN: it is set but not valid for this data set, or has no access to it") ?? false,
            "\(String(describing: wrong))")

        // 403 with the hub's message.
        hub.behaviour.failWith = (403, nil, "Access to dataset runsdata/semantic-consistency-score is restricted")
        let forbidden = await fetchError(slice(environment(endpoint: hub.url)), into: out)
        XCTAssertEqual(
            forbidden?.description,
            "\(hub.url.absoluteString) refused the listing of SDXL of \(DatasetSlice.paperRepo) "
                + "(HTTP 403 Forbidden: Access to dataset runsdata/semantic-consistency-score is restricted): "
                + "set HF_TOKEN to a token with access to the data set")
        hub.behaviour.failWith = nil

        // 404: the repo, the revision.
        let env = environment(endpoint: hub.url, ["HF_TOKEN": "hf_secret"])
        var noRepo = slice(env)
        noRepo.repo = "runsdata/no-such-set"
        let repoError = await fetchError(noRepo, into: out)
        XCTAssertEqual(
            repoError?.description,
            "the data set runsdata/no-such-set does not exist on \(hub.url.absoluteString), or is "
                + "private or gated (HTTP 404 Not Found: Repository not found): check the repo id, and that HF_TOKEN has access to it")
        var noRevision = slice(env)
        noRevision.revision = "v9"
        let revisionError = await fetchError(noRevision, into: out)
        XCTAssertEqual(
            revisionError?.description,
            "the data set \(DatasetSlice.paperRepo) has no revision 'v9' on \(hub.url.absoluteString) "
                + "(HTTP 404 Not Found: Invalid rev id: v9): give a branch, tag or commit it has")
        var noModel = slice(env)
        noModel.models = ["SDXL", "flux"]
        let modelError = await fetchError(noModel, into: out)
        XCTAssertEqual(
            modelError?.description,
            "the data set \(DatasetSlice.paperRepo) at revision 'main' has no folder flux "
                + "on \(hub.url.absoluteString) (HTTP 404 Not Found: flux does not exist on \"main\")")

        // A server error is no reason to suspect the network.
        hub.behaviour.failWith = (500, nil, nil)
        let serverError = await fetchError(slice(env), into: out)
        XCTAssertFalse(serverError?.description.contains("offline") ?? true)
        XCTAssertTrue(serverError?.description.contains("HTTP 500 Internal Server Error") ?? false, "\(String(describing: serverError))")

        // An answer that breaks off is no reason to suspect the network either; nothing half-written stays.
        hub.behaviour.failWith = nil
        hub.behaviour.breakOffFiles = true
        var one = slice(env, prompts: .first(1), images: 1)
        one.concurrency = 1
        let broken = await fetchError(one, into: out)
        guard case let .interrupted(path, url, _)? = broken else { return XCTFail("got \(String(describing: broken))") }
        XCTAssertEqual(path, "SDXL/a cat/11.jpg")
        XCTAssertEqual(url.port, hub.cdnPort)
        XCTAssertFalse(broken!.description.contains("offline"), broken!.description)
        XCTAssertTrue(broken!.description.hasPrefix("SDXL/a cat/11.jpg: the answer from 127.0.0.1:\(hub.cdnPort) broke off ("), broken!.description)
        XCTAssertEqual(files(under: out).filter { !$0.hasSuffix("/") && $0.contains(".jpg") }, [], "no file, no .part")

        // No server at all, nothing on disk: "offline?" and what is missing.
        let port = try await closedPort()
        let dead = URL(string: "http://127.0.0.1:\(port)")!
        let none = await fetchError(slice(environment(endpoint: dead)), into: out)
        XCTAssertEqual(
            none?.description,
            "no answer from 127.0.0.1:\(port) (connection refused; offline?) and \(out.path) holds no complete "
                + "fetch of this slice of \(DatasetSlice.paperRepo) (no listing of SDXL recorded): connect, or set HF_ENDPOINT to a reachable mirror")
    }

    func testLinkHeaderParsing() throws {
        let base = URL(string: "https://hub.example/api/datasets/a/b/tree/main/x")!
        XCTAssertEqual(
            DatasetSlice.nextLink(["<https://hub.example/api/x?cursor=abc%3D>; rel=\"next\""], relativeTo: base)?.absoluteString,
            "https://hub.example/api/x?cursor=abc%3D")
        XCTAssertEqual(
            DatasetSlice.nextLink(["</first>; rel=\"first\", </api/y?cursor=2>; rel=next"], relativeTo: base)?.absoluteString,
            "https://hub.example/api/y?cursor=2")
        XCTAssertNil(DatasetSlice.nextLink(["</prev>; rel=\"prev\""], relativeTo: base))
        XCTAssertNil(DatasetSlice.nextLink([], relativeTo: base))
    }
}
