import NIOCore

/// One AMI session on the double. Parses actions with its own small reader (independent
/// of the client's parser, so the two check each other) and answers like Asterisk.
final class AMIDoubleHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Pushed from tests through the pipeline so all session state stays on the loop.
    struct Push: Sendable {
        var text: String
    }

    private let state: AsteriskDoubleState
    private let username: String
    private let secret: String
    private var pending: [UInt8] = []
    private var headers: [RecordedAMIAction.Header] = []
    private var loggedIn = false
    private var eventsOn = false

    init(state: AsteriskDoubleState, username: String, secret: String) {
        self.state = state
        self.username = username
        self.secret = secret
    }

    func channelActive(context: ChannelHandlerContext) {
        if state.amiMode != .silent {
            send(AMIDoubleRenderer.banner, context: context)
        }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let push = event as? Push else { return context.fireUserInboundEventTriggered(event) }
        if loggedIn, eventsOn { send(push.text, context: context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending.append(contentsOf: unwrapInboundIn(data).readableBytesView)
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = pending[..<newline]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            let text = String(decoding: line, as: UTF8.self)
            pending.removeSubrange(...newline)
            if text.isEmpty {
                guard !headers.isEmpty else { continue }
                let action = RecordedAMIAction(headers: headers)
                headers.removeAll()
                handle(action, context: context)
            } else if let colon = text.firstIndex(of: ":") {
                let value = text[text.index(after: colon)...].drop(while: { $0 == " " })
                headers.append(.init(name: String(text[..<colon]), value: String(value)))
            }
        }
    }

    private func handle(_ action: RecordedAMIAction, context: ChannelHandlerContext) {
        state.record(action)
        let id = action["ActionID"]
        let name = action.name.lowercased()
        if name == "login" {
            guard action["Username"] == username, action["Secret"] == secret else {
                send(AMIDoubleRenderer.response("Error", actionID: id, message: "Authentication failed"), context: context, thenClose: true)
                return
            }
            loggedIn = true
            eventsOn = (action["Events"] ?? "on").lowercased() != "off"
            send(AMIDoubleRenderer.response("Success", actionID: id, message: "Authentication accepted"), context: context)
            if eventsOn { send(AMIDoubleRenderer.fullyBooted, context: context) }
            return
        }
        guard loggedIn else {
            send(AMIDoubleRenderer.response("Error", actionID: id, message: "Permission denied"), context: context)
            return
        }
        if state.amiMode == .ignoreActions { return }
        switch name {
        case "ping":
            send(AMIDoubleRenderer.ping(actionID: id), context: context)
        case "logoff":
            send(AMIDoubleRenderer.response("Goodbye", actionID: id, message: "Thanks for all the fish."), context: context, thenClose: true)
        case "pjsipshowregistrationsoutbound":
            let (rows, counts) = state.registrationsForListing()
            send(AMIDoubleRenderer.listing(rows, actionID: id, counts: counts), context: context)
        case "pjsipregister", "pjsipunregister":
            let register = name == "pjsipregister"
            guard let registration = action["Registration"], !registration.isEmpty else {
                send(AMIDoubleRenderer.response("Error", actionID: id, message: "Registration parameter missing."), context: context)
                return
            }
            guard let updated = state.applyRegistrationAction(registration, register: register) else {
                // Asterisk passes "...entry\n" as the message: a bare \n before the \r\n.
                send(AMIDoubleRenderer.response("Error", actionID: id, message: "Unable to retrieve registration entry\n"), context: context)
                return
            }
            send(
                AMIDoubleRenderer.response("Success", actionID: id, message: register ? "Reregistration sent" : "Unregistration sent"),
                context: context
            )
            if eventsOn, let status = updated.status {
                send(AMIDoubleRenderer.registry(clientURI: updated.clientURI, serverURI: updated.serverURI, status: status), context: context)
            }
        default:
            send(AMIDoubleRenderer.response("Error", actionID: id, message: "Invalid/unknown command"), context: context)
        }
    }

    private func send(_ text: String, context: ChannelHandlerContext, thenClose: Bool = false) {
        var bytes = Array(text.utf8)
        let cut = state.takeCloseMidFrame()
        if cut { bytes = Array(bytes.prefix(bytes.count / 2)) }
        let chunk = max(1, state.amiChunkSize ?? bytes.count)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes[offset..<end])), promise: nil)
            offset = end
        }
        if cut || thenClose {
            context.close(promise: nil)
        }
    }
}
