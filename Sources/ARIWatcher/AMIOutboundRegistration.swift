/// One row of `PJSIPShowRegistrationsOutbound`.
public struct AMIOutboundRegistration: Sendable, Hashable {
    public enum Status: Sendable, Hashable {
        case registered
        case unregistered
        case rejected
        case other(String)

        public init(_ raw: String) {
            if raw.caseInsensitiveEquals("Registered") {
                self = .registered
            } else if raw.caseInsensitiveEquals("Unregistered") {
                self = .unregistered
            } else if raw.caseInsensitiveEquals("Rejected") {
                self = .rejected
            } else {
                self = .other(raw)
            }
        }
    }

    public var id: String
    /// nil when Asterisk has no state for the row yet (no `Status`/`NextReg` sent).
    public var status: Status?
    public var clientURI: String?
    public var serverURI: String?
    public var nextReg: Int?

    public init(id: String, status: Status?, clientURI: String? = nil, serverURI: String? = nil, nextReg: Int? = nil) {
        self.id = id
        self.status = status
        self.clientURI = clientURI
        self.serverURI = serverURI
        self.nextReg = nextReg
    }

    /// Rows of a listing response, checked against its completion counts. Asterisk counts
    /// only rows that have a state (`ListItems = Registered + NotRegistered`).
    public static func parseListing(_ response: AMIResponse) throws(AMIError) -> [AMIOutboundRegistration] {
        guard response.isSuccess else {
            throw AMIError.actionFailed(action: "PJSIPShowRegistrationsOutbound", message: response.message["Message"])
        }
        let rows = response.events
            .filter { $0.event?.caseInsensitiveEquals("OutboundRegistrationDetail") ?? false }
            .compactMap { event -> AMIOutboundRegistration? in
                guard let id = event["ObjectName"] else { return nil }
                return AMIOutboundRegistration(
                    id: id,
                    status: event["Status"].map(Status.init),
                    clientURI: event["ClientUri"],
                    serverURI: event["ServerUri"],
                    nextReg: event["NextReg"].flatMap { Int($0) }
                )
            }
        guard let completion = response.completion,
            let listItems = completion["ListItems"].flatMap({ Int($0) })
        else {
            throw AMIError.protocolViolation("registration listing without completion counts")
        }
        let registered = rows.filter { $0.status == .registered }.count
        let notRegistered = rows.filter { $0.status != nil && $0.status != .registered }.count
        let received = AMIListCounts(listItems: registered + notRegistered, registered: registered, notRegistered: notRegistered)
        let expected = AMIListCounts(
            listItems: listItems,
            registered: completion["Registered"].flatMap { Int($0) } ?? registered,
            notRegistered: completion["NotRegistered"].flatMap { Int($0) } ?? notRegistered
        )
        guard expected == received else {
            throw AMIError.listCountMismatch(expected: expected, received: received)
        }
        return rows
    }
}
