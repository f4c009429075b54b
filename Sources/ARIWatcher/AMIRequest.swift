import NIOCore

/// What `AMIConnection` writes into the channel; the handler answers through `promise`.
struct AMIRequest: Sendable {
    var action: AMIAction
    var timeout: Duration
    var promise: EventLoopPromise<AMIResponse>
}
