/// What the event stream yields. Connection changes are surfaced because a consumer must
/// resynchronise (poll ARI) after `.connected`: events sent while disconnected are lost.
public enum ARIEventStreamElement: Sendable {
    case connected
    case event(ARIEvent)
    /// The connection ended or could not be opened; a reconnect follows after a delay.
    case disconnected(ARIError)
}
