import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// REST side of ARI. A value type over a shared `HTTPClient`: cheap to copy into tasks.
public struct ARIClient: Sendable {
    public let configuration: ARIConfiguration
    let httpClient: HTTPClient
    let logger: Logger

    /// Bodies larger than this are refused; ARI answers here are a few KiB.
    static let maxBodyBytes = 4 << 20

    public init(configuration: ARIConfiguration, httpClient: HTTPClient = .shared, logger: Logger) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
    }

    public func info() async throws(ARIError) -> ARIAsteriskInfo {
        let path = "/ari/asterisk/info"
        return try decode(ARIAsteriskInfo.self, path: path, from: try await expectOK("GET", path))
    }

    public func ping() async throws(ARIError) -> ARIPing {
        let path = "/ari/asterisk/ping"
        return try decode(ARIPing.self, path: path, from: try await expectOK("GET", path))
    }

    struct RawResponse: Sendable {
        var status: Int
        var body: ByteBuffer
    }

    /// One HTTP exchange bounded by `requestTimeout` (head and body together).
    func perform(_ method: String, _ path: String) async throws(ARIError) -> RawResponse {
        var request = HTTPClientRequest(url: configuration.baseURL + path)
        request.method = method == "PUT" ? .PUT : .GET
        request.headers.add(name: "Authorization", value: configuration.authorizationHeader)
        request.headers.add(name: "Accept", value: "application/json")
        let finalRequest = request
        let timeout = configuration.requestTimeout
        let client = httpClient
        let requestLogger = logger
        do {
            // AsyncHTTPClient's deadline fires first and reports the last connect error
            // (e.g. refused); ours is only a backstop for a body that never ends.
            let backstop = timeout + .milliseconds(500)
            let response = try await withTimeout(backstop, onTimeout: { ARIError.timeout(method: method, path: path, after: timeout) }) {
                let response = try await client.execute(finalRequest, timeout: TimeAmount(timeout), logger: requestLogger)
                let body = try await response.body.collect(upTo: Self.maxBodyBytes)
                return RawResponse(status: Int(response.status.code), body: body)
            }
            logger.debug(
                "ARI request done",
                metadata: ["ari.method": "\(method)", "ari.path": "\(path)", "http.status": "\(response.status)"]
            )
            return response
        } catch let error as ARIError {
            logger.warning("ARI request failed", metadata: ["ari.method": "\(method)", "ari.path": "\(path)", "error": "\(error)"])
            throw error
        } catch {
            let reason = Redaction.scrub(String(describing: error), secrets: configuration.secrets)
            let mapped: ARIError =
                if let httpError = error as? HTTPClientError, httpError == .deadlineExceeded {
                    .timeout(method: method, path: path, after: timeout)
                } else {
                    .transport(method: method, path: path, reason: reason)
                }
            logger.warning("ARI request failed", metadata: ["ari.method": "\(method)", "ari.path": "\(path)", "error": "\(mapped)"])
            throw mapped
        }
    }

    func expectOK(_ method: String, _ path: String) async throws(ARIError) -> ByteBuffer {
        let response = try await perform(method, path)
        guard (200..<300).contains(response.status) else {
            throw ARIError.http(method: method, path: path, status: response.status, message: Self.ariMessage(in: response.body))
        }
        return response.body
    }

    func decode<T: Decodable>(_ type: T.Type, path: String, from body: ByteBuffer) throws(ARIError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch {
            throw ARIError.decoding(path: path, reason: String(describing: error))
        }
    }

    /// ARI errors are `{"message": "..."}`; anything else yields nil rather than failing.
    static func ariMessage(in body: ByteBuffer) -> String? {
        struct ErrorBody: Decodable { var message: String }
        guard body.readableBytes > 0 else { return nil }
        return try? JSONDecoder().decode(ErrorBody.self, from: Data(body.readableBytesView)).message
    }

    /// Path segments such as module names are percent-encoded so a name can never
    /// change the request path.
    static func encodeSegment(_ segment: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}
