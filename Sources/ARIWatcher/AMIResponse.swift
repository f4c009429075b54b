/// The answer to one action: the `Response` message and, for list actions
/// (`EventList: start`), the events received up to the `EventList: Complete` event.
public struct AMIResponse: Sendable, Hashable {
    public var message: AMIMessage
    public var events: [AMIMessage]
    public var completion: AMIMessage?

    public init(message: AMIMessage, events: [AMIMessage] = [], completion: AMIMessage? = nil) {
        self.message = message
        self.events = events
        self.completion = completion
    }

    /// `Response: Success` (or `Goodbye` for Logoff).
    public var isSuccess: Bool {
        guard let response = message.response else { return false }
        return response.caseInsensitiveEquals("Success") || response.caseInsensitiveEquals("Goodbye")
    }
}
