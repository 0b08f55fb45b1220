import Foundation

/// The huggingface_hub environment variables SCSHub honours, read once.
struct HubSettings: Sendable {
    static let defaultEndpoint = URL(string: "https://huggingface.co")!

    var cacheDirectory: URL
    var endpoint: URL
    /// Set when `HF_ENDPOINT` is present but unusable; reported when the network is needed.
    var endpointError: HubError?
    var token: String?
    var offline: Bool
    /// Seconds to wait for the metadata (HEAD) request: `HF_HUB_ETAG_TIMEOUT`, default 10.
    var metadataTimeout: Int64
    /// Seconds a download may stall without receiving bytes: `HF_HUB_DOWNLOAD_TIMEOUT`, default 30.
    var downloadTimeout: Int64

    init(environment env: [String: String]) {
        func value(_ key: String) -> String? {
            guard let v = env[key]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        let home =
            value("HOME").map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        func path(_ raw: String) -> URL {
            if raw == "~" { return home }
            if raw.hasPrefix("~/") { return home.appendingPathComponent(String(raw.dropFirst(2))) }
            return URL(fileURLWithPath: raw)
        }
        // huggingface_hub/constants.py: HF_HUB_CACHE > HUGGINGFACE_HUB_CACHE > HF_HOME/hub,
        // HF_HOME defaulting to $XDG_CACHE_HOME/huggingface, XDG_CACHE_HOME to ~/.cache.
        if let cache = value("HF_HUB_CACHE") ?? value("HUGGINGFACE_HUB_CACHE") {
            cacheDirectory = path(cache)
        } else {
            let hfHome =
                value("HF_HOME").map(path)
                ?? (value("XDG_CACHE_HOME").map(path) ?? home.appendingPathComponent(".cache"))
                .appendingPathComponent("huggingface")
            cacheDirectory = hfHome.appendingPathComponent("hub")
        }
        cacheDirectory = cacheDirectory.standardizedFileURL

        endpoint = Self.defaultEndpoint
        endpointError = nil
        if let raw = value("HF_ENDPOINT") {
            var trimmed = raw
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            if let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", url.host != nil, url.query == nil
            {
                endpoint = url
            } else {
                endpointError = .invalidEndpoint(raw)
            }
        }
        token = value("HF_TOKEN") ?? value("HUGGING_FACE_HUB_TOKEN")
        offline = ["HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"].contains { key in
            value(key).map { ["1", "on", "yes", "true"].contains($0.lowercased()) } ?? false
        }
        metadataTimeout = value("HF_HUB_ETAG_TIMEOUT").flatMap { Int64($0) }.map { max($0, 1) } ?? 10
        downloadTimeout = max(value("HF_HUB_DOWNLOAD_TIMEOUT").flatMap { Int64($0) } ?? 30, 1)
    }
}
