/// Tuning of `ARIClient.events(app:options:)`.
public struct ARIEventStreamOptions: Sendable {
    /// Delay before the next attempt after `failedAttempts` consecutive failures (>= 1).
    public var reconnectDelay: @Sendable (_ failedAttempts: Int) -> Duration
    /// Bound for the WebSocket handshake; nil means `ARIConfiguration.requestTimeout`.
    public var handshakeTimeout: Duration?
    /// Largest accepted event (events with many variables can exceed WSClient's 16 KiB default).
    public var maxMessageSize: Int
    /// Events buffered while the consumer is slower than Asterisk. On overflow the oldest
    /// are dropped: the newest describe the current state.
    public var bufferSize: Int

    public init(
        reconnectDelay: @escaping @Sendable (_ failedAttempts: Int) -> Duration = ARIEventStream.defaultReconnectDelay,
        handshakeTimeout: Duration? = nil,
        maxMessageSize: Int = 1 << 20,
        bufferSize: Int = 4096
    ) {
        self.reconnectDelay = reconnectDelay
        self.handshakeTimeout = handshakeTimeout
        self.maxMessageSize = maxMessageSize
        self.bufferSize = bufferSize
    }
}
