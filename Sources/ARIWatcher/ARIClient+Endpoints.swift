extension ARIClient {
    /// All endpoints of a technology (`GET /ari/endpoints/PJSIP`).
    public func endpoints(technology: String = "PJSIP") async throws(ARIError) -> [ARIEndpoint] {
        let path = "/ari/endpoints/" + Self.encodeSegment(technology)
        return try decode([ARIEndpoint].self, path: path, from: try await expectOK("GET", path))
    }

    /// One endpoint, or nil on 404: Asterisk answers 404 until it first retrieves a
    /// realtime row, which is a normal state right after provisioning, not a failure.
    public func endpoint(_ resource: String, technology: String = "PJSIP") async throws(ARIError) -> ARIEndpoint? {
        let path = "/ari/endpoints/" + Self.encodeSegment(technology) + "/" + Self.encodeSegment(resource)
        let response = try await perform("GET", path)
        switch response.status {
        case 200..<300:
            return try decode(ARIEndpoint.self, path: path, from: response.body)
        case 404:
            return nil
        default:
            throw ARIError.http(method: "GET", path: path, status: response.status, message: Self.ariMessage(in: response.body))
        }
    }
}
