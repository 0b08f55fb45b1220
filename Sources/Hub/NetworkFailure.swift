import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Short, lower-case, one-line reasons for transport failures ("connection refused", "cannot resolve host x").
enum NetworkFailure {
    static func reason(_ error: Error) -> String {
        switch error {
        case let e as HTTPClientError:
            switch e {
            case .connectTimeout: return "connection timed out"
            case .readTimeout: return "timed out waiting for data"
            case .deadlineExceeded: return "timed out"
            case .remoteConnectionClosed: return "connection closed by the server"
            case .cancelled: return "cancelled"
            default: return oneLine("\(e)")
            }
        case let e as NIOConnectionError:
            if e.dnsAError != nil || e.dnsAAAAError != nil, e.connectionErrors.isEmpty {
                return "cannot resolve host \(e.host)"
            }
            if let first = e.connectionErrors.first { return reason(first.error) }
            return "cannot connect to \(e.host):\(e.port)"
        case let e as HTTPParserError where e == .invalidEOFState:
            return "connection closed before the end of the file"
        case let e as IOError:
            return String(cString: strerror(e.errnoCode)).lowercased()
        case let e as ChannelError:
            switch e {
            case .connectTimeout: return "connection timed out"
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed:
                return "connection closed by the server"
            default: return oneLine("\(e)")
            }
        default:
            let text = oneLine(String(describing: error))
            if text.localizedCaseInsensitiveContains("connection refused") { return "connection refused" }
            return text
        }
    }

    /// `text` on one line, cut after `max` characters.
    static func oneLine(_ text: String, max: Int = 200) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > max ? String(flat.prefix(max)) + "…" : flat
    }
}
