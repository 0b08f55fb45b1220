import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Where the browser thinks the server is, when a reverse proxy stands in front of it.
///
/// A proxy such as nginx rewrites `Host` to the upstream's address (`proxy_pass`'s default), so
/// the browser's `Origin` (https://annotate.example.org) no longer matches it. The origin the
/// browser used is then known in one of two ways, and only when the server was told to:
/// - `publicURL`: the address annotators open (`https://annotate.example.org`), fixed;
/// - `trustedProxies`: peers whose `X-Forwarded-Host` / `X-Forwarded-Proto` (or RFC 7239
///   `Forwarded: host=…;proto=…`) are believed. From any other peer these headers are ignored:
///   anyone can send them.
/// By default nothing is trusted and the origin is `http(s)://<Host>`, as without a proxy.
public struct ProxyPolicy: Sendable, Equatable {
    /// `scheme://host[:port]` of the public address, lower-cased, default ports dropped.
    public var publicOrigin: String?
    /// IP addresses (as `SocketAddress.ipAddress` prints them) of proxies to believe.
    public var trustedProxies: Set<String>

    public init(publicURL: String? = nil, trustedProxies: [String] = []) throws {
        if let publicURL {
            guard let origin = Self.origin(of: publicURL) else { throw AnnotateError.badPublicURL(publicURL) }
            publicOrigin = origin
        }
        self.trustedProxies = Set(trustedProxies.map(Self.normalise))
    }

    public static let none = try! ProxyPolicy()

    /// How the browser reached us, as far as this policy lets us know.
    struct Seen: Equatable {
        /// Origins a same-site form post may carry.
        var origins: Set<String>
        /// Whether the browser's connection is HTTPS (so the cookie can be `Secure`).
        var https: Bool
    }

    func seen(host: String?, peer: SocketAddress?, headers: HTTPFields) -> Seen {
        var origins = Set<String>()
        var https = false
        if let host {
            for scheme in ["http", "https"] { if let origin = Self.origin(of: "\(scheme)://\(host)") { origins.insert(origin) } }
        }
        if let publicOrigin {
            origins.insert(publicOrigin)
            https = publicOrigin.hasPrefix("https://")
        }
        if let ip = peer?.ipAddress, trustedProxies.contains(Self.normalise(ip)), let forwarded = Self.forwarded(headers) {
            let scheme = forwarded.proto ?? "http"
            if let host = forwarded.host, let origin = Self.origin(of: "\(scheme)://\(host)") { origins.insert(origin) }
            if scheme == "https" { https = true }
        }
        return Seen(origins: origins, https: https)
    }

    /// The host and scheme the nearest proxy reports: the last element of `Forwarded`, else the
    /// last values of `X-Forwarded-Host` / `X-Forwarded-Proto` (a proxy appends its own last).
    static func forwarded(_ headers: HTTPFields) -> (host: String?, proto: String?)? {
        if let value = headers[values: forwardedName].last?.split(separator: ",").last {
            var host: String?, proto: String?
            for pair in value.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2 else { continue }
                let v = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                switch parts[0].lowercased() {
                case "host": host = v
                case "proto": proto = v.lowercased()
                default: break
                }
            }
            if host != nil || proto != nil { return (host, proto) }
        }
        func last(_ name: HTTPField.Name) -> String? {
            headers[values: name].last?.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let host = last(xForwardedHost), proto = last(xForwardedProto)?.lowercased()
        return host == nil && proto == nil ? nil : (host, proto)
    }

    /// `scheme://host[:port]` of an http(s) URL, lower-cased, default port dropped; `nil` otherwise.
    public static func origin(of text: String) -> String? {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host?.lowercased(), !host.isEmpty
        else { return nil }
        let port = url.port.flatMap { (scheme == "http" && $0 == 80) || (scheme == "https" && $0 == 443) ? nil : $0 }
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost)" + (port.map { ":\($0)" } ?? "")
    }

    /// `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) is 127.0.0.1.
    static func normalise(_ ip: String) -> String {
        let lower = ip.lowercased()
        return lower.hasPrefix("::ffff:") && lower.contains(".") ? String(lower.dropFirst(7)) : lower
    }

    static let forwardedName = HTTPField.Name("Forwarded")!
    static let xForwardedHost = HTTPField.Name("X-Forwarded-Host")!
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}
