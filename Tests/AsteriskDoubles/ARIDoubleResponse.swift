import NIOHTTP1

/// One ARI answer, rendered with Asterisk's exact header set and order:
/// `Server`, `Date`, `Cache-Control`, [`WWW-Authenticate`], [`Content-type`], `Content-Length`.
struct ARIDoubleResponse {
    var status: HTTPResponseStatus
    var body: [UInt8]?
    var challenge = false

    static func json(_ text: String, status: HTTPResponseStatus = .ok) -> ARIDoubleResponse {
        ARIDoubleResponse(status: status, body: Array(text.utf8))
    }

    static func json(_ bytes: [UInt8], status: HTTPResponseStatus = .ok) -> ARIDoubleResponse {
        ARIDoubleResponse(status: status, body: bytes)
    }

    /// `{"message":"..."}` exactly as Asterisk's ast_ari_response_error writes it.
    static func error(_ status: HTTPResponseStatus, _ message: String) -> ARIDoubleResponse {
        json("{\"message\":\"\(message)\"}", status: status)
    }

    static let noContent = ARIDoubleResponse(status: .noContent, body: nil)

    static let unauthorized: ARIDoubleResponse = {
        var response = error(.unauthorized, "Authentication required")
        response.challenge = true
        return response
    }()

    var head: HTTPResponseHead {
        var headers = HTTPHeaders()
        headers.add(name: "Server", value: "Asterisk/22.10.1")
        headers.add(name: "Date", value: HTTPDate.string())
        headers.add(name: "Cache-Control", value: "no-cache, no-store")
        if challenge {
            headers.add(name: "WWW-Authenticate", value: "Basic realm=\"Asterisk REST Interface\"")
        }
        if body != nil {
            headers.add(name: "Content-type", value: "application/json")
        }
        headers.add(name: "Content-Length", value: String(body?.count ?? 0))
        return HTTPResponseHead(version: .http1_1, status: status, headers: headers)
    }
}
