import Foundation
import GenerateStubs
import SCSHub
import SCSScoring
import TestSupport
import XCTest
import ZIPFoundation

/// DreamSim and DINO by name (`dreamsim:VARIANT`, `dino:NAME`): fetched from their releases (here a
/// local server speaking plain HTTP, as GitHub's release CDN and dl.fbaipublicfiles.com do) into
/// scs's cache, checked, unpacked, recorded; offline, one line saying what to put where.
final class PublishedModelTests: XCTestCase {
    var work: URL!
    override func setUpWithError() throws { work = try makeTemporaryDirectory("scs-published") }

    /// A release zip laid out as DreamSim's: the adapter folder and the branch files at the top.
    func dreamsimZip(adapter: String, extra: [String: Data] = [:]) throws -> Data {
        let staging = work.appendingPathComponent("zip-\(UUID().uuidString)")
        var files: [String: Data] = [
            "\(adapter)/adapter_config.json": Data(#"{"r": 16, "lora_alpha": 0.5}"#.utf8),
            "\(adapter)/adapter_model.safetensors": Data(repeating: 7, count: 4096),
            "dino_vitb16_pretrain.pth": Data(repeating: 1, count: 100)
        ]
        files.merge(extra) { $1 }
        for (path, data) in files {
            let url = staging.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        let zip = work.appendingPathComponent("\(UUID().uuidString).zip")
        try FileManager.default.zipItem(at: staging, to: zip, shouldKeepParent: false)
        return try Data(contentsOf: zip)
    }

    func testDreamSimAndDINOAreFetchedCheckedAndRecorded() async throws {
        let zip = try dreamsimZip(adapter: "dino_vitb16_single_lora")
        let dino = Data((0..<50_000).map { UInt8($0 % 251) })
        let server = try await StubServer.start { request in
            switch request.path {
            case "/dreamsim/dreamsim_dino_vitb16_checkpoint.zip": return .bytes(zip, type: "application/zip")
            case "/dino/dino_vitbase16_pretrain/dino_vitbase16_pretrain.pth": return .bytes(dino, type: "application/octet-stream")
            default: return StubResponse(status: 404)
            }
        }
        let cache = work.appendingPathComponent("cache")
        let env = [
            "SCS_CACHE_DIR": cache.path, "SCS_DREAMSIM_RELEASES": server.url.absoluteString + "/dreamsim",
            "SCS_DINO_RELEASES": server.url.absoluteString + "/dino"
        ]
        let folder = try await PublishedModels.resolve("dreamsim:dino_vitb16", environment: env)
        let root = cache.appendingPathComponent("models/dreamsim")
        XCTAssertEqual(folder?.path, root.appendingPathComponent("dino_vitb16_single_lora").path)
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("checkpoints/dino_vitbase16_pretrain.pth")), dino)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("dino_vitb16_single_lora/adapter_model.safetensors").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent(".downloads").path), "staging left behind")
        let record = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("downloads.json"))) as? [[String: String]])
        XCTAssertEqual(record.map { $0["sha256"] ?? "" }, [sha256Hex(zip), sha256Hex(dino)])
        XCTAssertEqual(server.log.count, 2)

        // Cached: no request the second time; DINO on its own comes from its own folder.
        _ = try await PublishedModels.resolve("dreamsim:dino_vitb16", environment: env)
        XCTAssertEqual(server.log.count, 2)
        let dinoFile = try await PublishedModels.resolve("dino:vitb16", environment: env)
        XCTAssertEqual(try Data(contentsOf: try XCTUnwrap(dinoFile)), dino)

        // Not published at that address: one line with the status, the URL and what to do by hand.
        do {
            _ = try await PublishedModels.resolve("dreamsim:clip_vitb32", environment: env)
            XCTFail("a 404 was accepted")
        } catch let error as ReleaseError {
            XCTAssertFalse(error.description.contains("\n"))
            XCTAssertTrue(error.description.contains("(HTTP 404)"), error.description)
            XCTAssertTrue(error.description.contains("dreamsim_clip_vitb32_checkpoint.zip and unzip it into \(root.path)"), error.description)
        }
        await server.stop()
    }

    func testOfflineSaysWhatToPutWhere() throws {
        let cache = work.appendingPathComponent("cache")
        let photo = try TestPaths.sharedPhotos()[0].path
        let r = try CLIRunner.run(
            ["embed", photo, "--out", work.appendingPathComponent("e.npy").path, "--model", "dreamsim:ensemble", "--no-cache"],
            environment: ["SCS_CACHE_DIR": cache.path, "HF_HUB_OFFLINE": "1"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        let root = cache.appendingPathComponent("models/dreamsim").path
        for expected in [
            "dreamsim:ensemble is not in the cache and downloads are off",
            "download \(PublishedModels.dreamsimReleases)/dreamsim_ensemble_checkpoint.zip and unzip it into \(root)",
            "download \(PublishedModels.dinoReleases)/dino_vitbase16_pretrain/dino_vitbase16_pretrain.pth to \(root)/checkpoints/dino_vitbase16_pretrain.pth"
        ] {
            XCTAssertTrue(r.stderr.contains(expected), "expected \"\(expected)\" in: \(r.stderr)")
        }
    }

    /// A published checksum that does not match, and an archive entry that would escape the folder:
    /// both refused, nothing left behind.
    func testChecksumsAndArchiveEntriesAreEnforced() async throws {
        let good = try dreamsimZip(adapter: "ensemble_lora")
        let evil = try dreamsimZip(adapter: "ensemble_lora")
        let evilURL = work.appendingPathComponent("evil.zip")
        try evil.write(to: evilURL)
        let archive = try Archive(url: evilURL, accessMode: .update)
        let payload = Data("escaped".utf8)
        try archive.addEntry(with: "../escaped.txt", type: .file, uncompressedSize: Int64(payload.count)) { position, size in
            payload.subdata(in: Int(position)..<(Int(position) + size))
        }
        let evilData = try Data(contentsOf: evilURL)
        let server = try await StubServer.start { request in
            request.path == "/good.zip" ? .bytes(good, type: "application/zip") : .bytes(evilData, type: "application/zip")
        }
        let downloader = ReleaseDownloader(environment: [:])
        let target = work.appendingPathComponent("target")
        do {
            try await downloader.fetch(
                [
                    ReleaseFile(
                        url: server.url.appendingPathComponent("good.zip"), destination: "", unzip: true,
                        sha256: String(repeating: "0", count: 64))
                ], into: target, what: "test")
            XCTFail("a wrong checksum was accepted")
        } catch let error as ReleaseError {
            XCTAssertEqual(
                error,
                .checksumMismatch(
                    url: server.url.appendingPathComponent("good.zip"),
                    expected: String(repeating: "0", count: 64), actual: sha256Hex(good)))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.appendingPathComponent("ensemble_lora").path))
        do {
            try await downloader.fetch(
                [ReleaseFile(url: server.url.appendingPathComponent("evil.zip"), destination: "", unzip: true)],
                into: target, what: "test")
            XCTFail("an escaping entry was extracted")
        } catch let error as ReleaseError {
            XCTAssertTrue(error.description.contains("entry ../escaped.txt would land outside"), error.description)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("escaped.txt").path))
        // With the right checksum it goes through.
        try await downloader.fetch(
            [
                ReleaseFile(
                    url: server.url.appendingPathComponent("good.zip"), destination: "", unzip: true,
                    sha256: sha256Hex(good))
            ], into: target, what: "test")
        XCTAssertTrue(FileManager.default.fileExists(atPath: target.appendingPathComponent("ensemble_lora/adapter_config.json").path))
        await server.stop()
    }
}
