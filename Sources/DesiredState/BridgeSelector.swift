import Foundation

/// Picks the configurations meant for this Asterisk bridge by the host (and port) of their
/// `ari_endpoint`, so that two bridges never register the same 3CX extension.
public struct BridgeSelector: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let port: Int?

    /// `host` or `host:port` (IPv6 in brackets: `[::1]:8088`).
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let parts = Self.hostAndPort(trimmed), !parts.host.isEmpty else { return nil }
        host = parts.host
        port = parts.port
    }

    public var description: String { port.map { "\(host):\($0)" } ?? host }

    /// Matches the host of an ARI URL (`http://asterisk.internal:8088`), and its port when
    /// the selector names one (the scheme's default port counts).
    public func matches(ariEndpoint: String?) -> Bool {
        guard let ariEndpoint, let components = URLComponents(string: ariEndpoint.trimmingCharacters(in: .whitespaces)),
              let urlHost = components.host?.lowercased() else { return false }
        guard urlHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) == host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) else {
            return false
        }
        guard let port else { return true }
        let urlPort = components.port ?? (components.scheme?.lowercased() == "https" ? 443 : 80)
        return urlPort == port
    }

    private static func hostAndPort(_ text: String) -> (host: String, port: Int?)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[...close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return (host, nil) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()) else { return nil }
            return (host, port)
        }
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        switch pieces.count {
        case 1: return (text, nil)
        case 2:
            guard let port = Int(pieces[1]), (1...65535).contains(port) else { return nil }
            return (String(pieces[0]), port)
        default: return nil
        }
    }
}
