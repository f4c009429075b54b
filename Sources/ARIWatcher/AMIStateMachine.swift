/// Socket-free AMI session logic (banner → login → actions), in the style of
/// postgres-nio's state machines: every input returns the one thing the owner of the
/// socket must do next. It never sees the secret; it only asks for the login to be sent.
struct AMIStateMachine {
    enum State: Equatable {
        case awaitingBanner
        case loggingIn(actionID: String)
        case ready
        case closed
    }

    enum Action: Equatable {
        /// Write the Login action with this ActionID.
        case sendLogin(actionID: String)
        /// Write `action` with `actionID` and start its timeout.
        case sendAction(actionID: String, AMIAction)
        /// The request cannot be sent at all.
        case rejectAction(AMIError)
        case loginSucceeded(banner: String)
        /// Fail the login and close the connection.
        case loginFailed(AMIError)
        case succeedAction(actionID: String, AMIResponse)
        case failAction(actionID: String, AMIError)
        case deliverEvent(AMIMessage)
        /// Fail these pending actions (and a login in progress) and close.
        case failAllAndClose(actionIDs: [String], AMIError)
        case none
    }

    private struct Pending {
        var actionName: String
        var listResponse: AMIMessage?
        var listEvents: [AMIMessage] = []
    }

    private(set) var state: State = .awaitingBanner
    private var banner = ""
    private var pending: [String: Pending] = [:]
    private var counter = 0
    private let actionIDPrefix: String
    /// Only for the error text of a failed login.
    private let username: String

    init(username: String, actionIDPrefix: String = "rcd-") {
        self.username = username
        self.actionIDPrefix = actionIDPrefix
    }

    private var isLoggingIn: Bool {
        switch state {
        case .awaitingBanner, .loggingIn: true
        case .ready, .closed: false
        }
    }

    var pendingActionIDs: [String] { pending.keys.sorted() }

    private mutating func makeActionID() -> String {
        counter += 1
        return "\(actionIDPrefix)\(counter)"
    }

    mutating func bannerReceived(_ line: String) -> Action {
        guard state == .awaitingBanner else { return .failAllAndClose(actionIDs: pendingActionIDs, .protocolViolation("second banner")) }
        guard line.hasPrefix("Asterisk Call Manager/") else {
            state = .closed
            return .loginFailed(.unexpectedBanner(line))
        }
        banner = line
        let id = makeActionID()
        state = .loggingIn(actionID: id)
        return .sendLogin(actionID: id)
    }

    mutating func messageReceived(_ message: AMIMessage) -> Action {
        switch state {
        case .awaitingBanner:
            state = .closed
            return .loginFailed(.protocolViolation("message before banner"))
        case .closed:
            return .none
        case .loggingIn(let loginID):
            // Events (e.g. FullyBooted) may precede the answer; a login answer without
            // ActionID is accepted too, as some proxies strip it.
            guard message.response != nil, message.actionID == nil || message.actionID == loginID else {
                return message.event != nil && message.actionID == nil ? .deliverEvent(message) : .none
            }
            if message.response!.caseInsensitiveEquals("Success") {
                state = .ready
                return .loginSucceeded(banner: banner)
            }
            state = .closed
            return .loginFailed(.authenticationFailed(username: username, message: message["Message"]))
        case .ready:
            return readyMessageReceived(message)
        }
    }

    private mutating func readyMessageReceived(_ message: AMIMessage) -> Action {
        guard let actionID = message.actionID else {
            return message.event != nil ? .deliverEvent(message) : .none
        }
        guard var entry = pending[actionID] else {
            // Late answer to an action that already timed out: not an unsolicited event.
            return .none
        }
        if message.response != nil, entry.listResponse == nil {
            let isListStart = message["EventList"]?.caseInsensitiveEquals("start") ?? false
            if isListStart, message.response!.caseInsensitiveEquals("Success") {
                entry.listResponse = message
                pending[actionID] = entry
                return .none
            }
            pending[actionID] = nil
            return .succeedAction(actionID: actionID, AMIResponse(message: message))
        }
        guard message.event != nil, let listResponse = entry.listResponse else { return .none }
        if message["EventList"]?.caseInsensitiveEquals("Complete") ?? false {
            pending[actionID] = nil
            return .succeedAction(actionID: actionID, AMIResponse(message: listResponse, events: entry.listEvents, completion: message))
        }
        entry.listEvents.append(message)
        pending[actionID] = entry
        return .none
    }

    mutating func sendRequested(_ action: AMIAction) -> Action {
        switch state {
        case .ready:
            let id = makeActionID()
            pending[id] = Pending(actionName: action.name)
            return .sendAction(actionID: id, action)
        case .closed:
            return .rejectAction(.connectionClosed)
        case .awaitingBanner, .loggingIn:
            return .rejectAction(.notLoggedIn)
        }
    }

    mutating func actionTimedOut(_ actionID: String, after: Duration) -> Action {
        guard let entry = pending.removeValue(forKey: actionID) else { return .none }
        return .failAction(actionID: actionID, .actionTimeout(action: entry.actionName, after: after))
    }

    mutating func loginTimedOut(after: Duration) -> Action {
        switch state {
        case .awaitingBanner, .loggingIn:
            state = .closed
            return .loginFailed(.loginTimeout(after: after))
        case .ready, .closed:
            return .none
        }
    }

    mutating func parserFailed(_ error: AMIError) -> Action {
        guard state != .closed else { return .none }
        let wasLoggingIn = isLoggingIn
        state = .closed
        if wasLoggingIn { return .loginFailed(error) }
        let ids = pendingActionIDs
        pending.removeAll()
        return .failAllAndClose(actionIDs: ids, error)
    }

    mutating func connectionClosed() -> Action {
        guard state != .closed else { return .failAllAndClose(actionIDs: [], .connectionClosed) }
        let wasLoggingIn = isLoggingIn
        state = .closed
        if wasLoggingIn { return .loginFailed(.connectionClosed) }
        let ids = pendingActionIDs
        pending.removeAll()
        return .failAllAndClose(actionIDs: ids, .connectionClosed)
    }
}
