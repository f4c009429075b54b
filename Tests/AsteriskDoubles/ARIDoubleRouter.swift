import Foundation
import NIOHTTP1

/// Maps a request to what Asterisk 22.10.1 answers (see ari/resource_asterisk.c and
/// resource_endpoints.c), serving recorded bodies where a recording exists.
struct ARIDoubleRouter {
    let state: AsteriskDoubleState
    let username: String
    let password: String

    func isAuthorized(headers: HTTPHeaders, query: String?) -> Bool {
        let expected = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        if headers["Authorization"].contains(expected) { return true }
        // ARI also accepts `?api_key=user:pass`.
        let apiKey = query?.split(separator: "&").first { $0.hasPrefix("api_key=") }
        return apiKey.map { String($0.dropFirst("api_key=".count)).removingPercentEncoding == "\(username):\(password)" } ?? false
    }

    func respond(method: HTTPMethod, path: String, authorized: Bool) -> ARIDoubleResponse {
        guard authorized else { return .unauthorized }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map { String($0).removingPercentEncoding ?? String($0) }
        switch (method, segments) {
        case (.GET, ["ari", "asterisk", "info"]):
            return fixture("asterisk_info.json")
        case (.GET, ["ari", "asterisk", "ping"]):
            return fixture("asterisk_ping.json")
        case (.GET, let s) where s.count == 4 && s[0...2] == ["ari", "asterisk", "modules"]:
            guard let module = state.module(s[3]) else {
                return .error(.notFound, "Module could not be found in running modules")
            }
            return .json(
                "{\"name\":\"\(module.name)\",\"description\":\"\(module.description)\",\"use_count\":\(module.useCount),\"status\":\"Running\",\"support_level\":\"core\"}"
            )
        case (.PUT, let s) where s.count == 4 && s[0...2] == ["ari", "asterisk", "modules"]:
            switch state.reload(s[3]) {
            case .reloaded: return .noContent
            case .notLoaded: return .error(.notFound, "Module not found in running modules")
            case .conflict: return .error(.conflict, "Another reload is currently in progress")
            }
        case (.GET, ["ari", "endpoints", "PJSIP"]):
            return .json("[" + state.endpoints.map(Self.render).joined(separator: ",") + "]")
        case (.GET, let s) where s.count == 4 && s[0...2] == ["ari", "endpoints", "PJSIP"]:
            guard let endpoint = state.endpoint(s[3]) else { return .error(.notFound, "Endpoint not found") }
            return .json(Self.render(endpoint))
        case (.GET, ["ari", "events"]):
            // Reached only when the upgrade was not requested properly.
            return .error(.badRequest, "Invalid WebSocket request")
        default:
            return .error(.notFound, "Resource not found")
        }
    }

    private func fixture(_ name: String) -> ARIDoubleResponse {
        guard let body = try? AsteriskFixtures.bytes(name) else { return .error(.internalServerError, "fixture missing") }
        return .json(body)
    }

    static func render(_ endpoint: DoubleEndpoint) -> String {
        let channels = endpoint.channelIDs.map { "\"\($0)\"" }.joined(separator: ",")
        return "{\"technology\":\"PJSIP\",\"resource\":\"\(endpoint.resource)\",\"state\":\"\(endpoint.state)\",\"channel_ids\":[\(channels)]}"
    }
}
