import Logging
import NIOCore

/// Owns the AMI socket on its event loop: feeds bytes to `AMIFrameParser`, drives
/// `AMIStateMachine`, and carries out what the machine returns. Timeouts are scheduled
/// on the event loop because NIO futures ignore task cancellation.
final class AMIChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = AMIRequest
    typealias OutboundOut = ByteBuffer

    private var parser = AMIFrameParser()
    private var machine: AMIStateMachine
    private let configuration: AMIConfiguration
    private let loginPromise: EventLoopPromise<String>
    private var loginCompleted = false
    private var loginTimer: Scheduled<Void>?
    private var promises: [String: EventLoopPromise<AMIResponse>] = [:]
    private var timers: [String: Scheduled<Void>] = [:]
    private let events: AsyncStream<AMIEvent>.Continuation
    private let lookup: AMIRegistrationLookup?
    private let logger: Logger

    init(
        configuration: AMIConfiguration,
        loginPromise: EventLoopPromise<String>,
        events: AsyncStream<AMIEvent>.Continuation,
        lookup: AMIRegistrationLookup?,
        logger: Logger
    ) {
        self.configuration = configuration
        self.machine = AMIStateMachine(username: configuration.username)
        self.loginPromise = loginPromise
        self.events = events
        self.lookup = lookup
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let timeout = configuration.loginTimeout
        let contextBox = NIOLoopBound(context, eventLoop: context.eventLoop)
        loginTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) { [self] in
            self.run(self.machine.loginTimedOut(after: timeout), context: contextBox.value)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // A connect that failed never becomes inactive: timers must not outlive the handler.
        loginTimer?.cancel()
        for timer in timers.values { timer.cancel() }
        timers.removeAll()
        events.finish()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        parser.append(buffer.readableBytesView)
        do {
            while let frame = try parser.nextFrame() {
                switch frame {
                case .banner(let line):
                    run(machine.bannerReceived(line), context: context)
                case .message(let message):
                    run(machine.messageReceived(message), context: context)
                }
            }
        } catch {
            run(machine.parserFailed(error), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        run(machine.connectionClosed(), context: context)
        events.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason = Redaction.scrub(String(describing: error), secrets: [configuration.secret])
        logger.warning("AMI connection error", metadata: ["error": "\(reason)"])
        context.close(promise: nil)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        switch machine.sendRequested(request.action) {
        case .sendAction(let actionID, let action):
            promises[actionID] = request.promise
            let timeout = request.timeout
            let contextBox = NIOLoopBound(context, eventLoop: context.eventLoop)
            timers[actionID] = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) { [self] in
                self.run(self.machine.actionTimedOut(actionID, after: timeout), context: contextBox.value)
            }
            logger.debug("AMI action sent", metadata: ["ami.action": "\(action.name)", "ami.actionid": "\(actionID)"])
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: action.encoded(actionID: actionID))), promise: promise)
        case .rejectAction(let error):
            request.promise.fail(error)
            promise?.fail(error)
        default:
            preconditionFailure("sendRequested returns only sendAction or rejectAction")
        }
    }

    private func run(_ action: AMIStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .none, .sendAction, .rejectAction:
            break
        case .sendLogin(let actionID):
            let login: AMIAction
            do {
                login = try AMIAction("Login", headers: [
                    ("Username", configuration.username),
                    ("Secret", configuration.secret),
                    ("Events", configuration.events ? "on" : "off"),
                ])
            } catch {
                failLogin(error, context: context)
                return
            }
            logger.debug("AMI logging in", metadata: ["ami.username": "\(configuration.username)"])
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: login.encoded(actionID: actionID))), promise: nil)
        case .loginSucceeded(let banner):
            loginTimer?.cancel()
            loginCompleted = true
            logger.info("AMI logged in", metadata: ["ami.banner": "\(banner)", "ami.username": "\(configuration.username)"])
            loginPromise.succeed(banner)
        case .loginFailed(let error):
            failLogin(error, context: context)
        case .succeedAction(let actionID, let response):
            timers.removeValue(forKey: actionID)?.cancel()
            promises.removeValue(forKey: actionID)?.succeed(response)
        case .failAction(let actionID, let error):
            timers.removeValue(forKey: actionID)?.cancel()
            logger.warning("AMI action failed", metadata: ["ami.actionid": "\(actionID)", "error": "\(error)"])
            promises.removeValue(forKey: actionID)?.fail(error)
        case .deliverEvent(let message):
            events.yield(AMIEvent(message: message, lookup: lookup))
        case .failAllAndClose(let actionIDs, let error):
            for id in actionIDs {
                timers.removeValue(forKey: id)?.cancel()
                promises.removeValue(forKey: id)?.fail(error)
            }
            context.close(promise: nil)
        }
    }

    private func failLogin(_ error: AMIError, context: ChannelHandlerContext) {
        loginTimer?.cancel()
        if !loginCompleted {
            loginCompleted = true
            logger.warning("AMI login failed", metadata: ["error": "\(error)"])
            loginPromise.fail(error)
        }
        context.close(promise: nil)
    }
}
