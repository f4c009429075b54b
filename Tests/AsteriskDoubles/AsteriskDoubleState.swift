import NIOCore
import Synchronization

/// What the ARI and AMI doubles share, like one Asterisk behind both interfaces: a
/// reload of `res_pjsip_outbound_registration.so` over ARI applies the configured
/// registrations to what AMI lists. Every knob is settable from tests; every request is
/// recorded.
public final class AsteriskDoubleState: Sendable {
    /// How the ARI double treats connections.
    public enum ARIMode: Sendable, Hashable {
        case normal
        /// Accept and read, never answer (timeout tests).
        case hang
        /// REST works; WebSocket upgrades are accepted but never answered.
        case stallWebSocketUpgrades
    }

    /// How the AMI double treats connections.
    public enum AMIMode: Sendable, Hashable {
        case normal
        /// Accept, never send the banner.
        case silent
        /// Banner and login work; actions after login are recorded but never answered.
        case ignoreActions
    }

    struct Storage {
        var configured: [String: DoubleRegistration] = [:]
        var live: [String: DoubleRegistration] = [:]
        var pendingRemovals: [String: Int] = [:]
        var removalLag = 0
        var endpoints: [String: DoubleEndpoint] = [:]
        var modules: [String: DoubleModule] = [:]
        var reloadConflictsRemaining = 0
        var ariMode: ARIMode = .normal
        var amiMode: AMIMode = .normal
        var amiChunkSize: Int?
        var amiCloseMidFrame = false
        var listCountOverride: (Int, Int, Int)?
        var registerOutcome: [String: String] = [:]
        var eventsPerConnection: [[String]] = []
        var ariRequests: [RecordedHTTPRequest] = []
        var amiActions: [RecordedAMIAction] = []
        var webSocketConnections = 0
    }

    let storage: Mutex<Storage>
    /// Where a registration reload reads "the ps_registrations rows" from, when set.
    private let registrationSource = Mutex<(@Sendable () -> [DoubleRegistration])?>(nil)

    public init(
        registrations: [DoubleRegistration] = [.recorded()],
        endpoints: [DoubleEndpoint] = [DoubleEndpoint(resource: "dograh_127_0_0_1_5070_12611")],
        modules: [DoubleModule] = DoubleModule.recorded
    ) {
        var storage = Storage()
        for registration in registrations {
            storage.configured[registration.id] = registration
            storage.live[registration.id] = registration
        }
        for endpoint in endpoints { storage.endpoints[endpoint.resource] = endpoint }
        for module in modules { storage.modules[module.name] = module }
        self.storage = Mutex(storage)
    }

    // MARK: Scripting

    public var ariMode: ARIMode {
        get { storage.withLock { $0.ariMode } }
        set { storage.withLock { $0.ariMode = newValue } }
    }

    public var amiMode: AMIMode {
        get { storage.withLock { $0.amiMode } }
        set { storage.withLock { $0.amiMode = newValue } }
    }

    /// The next `count` reloads answer 409 "Another reload is currently in progress".
    public func failNextReloads(_ count: Int) {
        storage.withLock { $0.reloadConflictsRemaining = count }
    }

    /// AMI answers are written in chunks of this many bytes, each flushed separately.
    public func setAMIChunkSize(_ size: Int?) {
        storage.withLock { $0.amiChunkSize = size }
    }

    /// The next AMI answer is cut in the middle and the connection closed.
    public func closeAMIMidFrame() {
        storage.withLock { $0.amiCloseMidFrame = true }
    }

    /// The next listing's completion claims these counts instead of the true ones.
    public func overrideNextListCounts(listItems: Int, registered: Int, notRegistered: Int) {
        storage.withLock { $0.listCountOverride = (listItems, registered, notRegistered) }
    }

    /// Status a registration takes after `PJSIPRegister` (default `Registered`).
    public func setRegisterOutcome(_ id: String, status: String) {
        storage.withLock { $0.registerOutcome[id] = status }
    }

    /// Replaces the "ps_registrations rows" only, as a database change would: AMI keeps
    /// listing the old state until a reload of res_pjsip_outbound_registration.so.
    public func configureRegistrations(_ registrations: [DoubleRegistration]) {
        storage.withLock { storage in
            storage.configured = Dictionary(uniqueKeysWithValues: registrations.map { ($0.id, $0) })
        }
    }

    /// After a reload removes a registration, it stays listed as Registered for this many
    /// listings (the un-REGISTER takes a while on a real system).
    public func setRemovalLag(listings: Int) {
        storage.withLock { $0.removalLag = listings }
    }

    public func setLiveStatus(_ id: String, status: String?) {
        storage.withLock { $0.live[id]?.status = status }
    }

    public func setEndpoint(_ endpoint: DoubleEndpoint?, resource: String) {
        storage.withLock { $0.endpoints[resource] = endpoint }
    }

    /// Frames the events WebSocket sends right after each new connection, one list per
    /// connection in order (the last list is reused when exhausted).
    public func setEventsPerConnection(_ frames: [[String]]) {
        storage.withLock { $0.eventsPerConnection = frames }
    }

    // MARK: Observation

    public var ariRequests: [RecordedHTTPRequest] { storage.withLock { $0.ariRequests } }
    public var amiActions: [RecordedAMIAction] { storage.withLock { $0.amiActions } }
    public var webSocketConnections: Int { storage.withLock { $0.webSocketConnections } }

    public var liveRegistrations: [DoubleRegistration] {
        storage.withLock { $0.live.values.sorted { $0.id < $1.id } }
    }

    public func clearRecordings() {
        storage.withLock {
            $0.ariRequests.removeAll()
            $0.amiActions.removeAll()
        }
    }

    // MARK: Used by the doubles

    func record(_ request: RecordedHTTPRequest) {
        storage.withLock { $0.ariRequests.append(request) }
    }

    func record(_ action: RecordedAMIAction) {
        storage.withLock { $0.amiActions.append(action) }
    }

    func module(_ name: String) -> DoubleModule? {
        storage.withLock { $0.modules[name] }
    }

    func endpoint(_ resource: String) -> DoubleEndpoint? {
        storage.withLock { $0.endpoints[resource] }
    }

    var endpoints: [DoubleEndpoint] {
        storage.withLock { $0.endpoints.values.sorted { $0.resource < $1.resource } }
    }

    enum ReloadOutcome { case reloaded, notLoaded, conflict }

    /// Makes a registration reload read its rows from `source` (e.g. a real ARA database),
    /// like Asterisk reading ps_registrations on reload.
    public func setRegistrationSource(_ source: (@Sendable () -> [DoubleRegistration])?) {
        registrationSource.withLock { $0 = source }
    }

    func reload(_ module: String) -> ReloadOutcome {
        if module == "res_pjsip_outbound_registration.so", let source = registrationSource.withLock({ $0 }) {
            configureRegistrations(source())
        }
        return storage.withLock { storage in
            guard storage.modules[module] != nil else { return .notLoaded }
            if storage.reloadConflictsRemaining > 0 {
                storage.reloadConflictsRemaining -= 1
                return .conflict
            }
            if module == "res_pjsip_outbound_registration.so" {
                Self.applyRegistrationReload(&storage)
            }
            return .reloaded
        }
    }

    private static func applyRegistrationReload(_ storage: inout Storage) {
        for (id, registration) in storage.configured where storage.live[id] == nil || storage.live[id]?.password != registration.password
            || storage.live[id]?.clientURI != registration.clientURI
        {
            var applied = registration
            // Like Asterisk, a reload does not retry a permanently rejected registration.
            applied.status = storage.live[id]?.status == "Rejected" ? "Rejected" : (registration.status ?? "Registered")
            storage.live[id] = applied
        }
        for id in storage.live.keys where storage.configured[id] == nil && storage.pendingRemovals[id] == nil {
            if storage.removalLag == 0 {
                storage.live[id] = nil
            } else {
                storage.pendingRemovals[id] = storage.removalLag
            }
        }
    }

    /// Rows for one listing; removals past their lag disappear.
    func registrationsForListing() -> (rows: [DoubleRegistration], counts: (Int, Int, Int)?) {
        storage.withLock { storage in
            for (id, remaining) in storage.pendingRemovals {
                if remaining <= 0 {
                    storage.live[id] = nil
                    storage.pendingRemovals[id] = nil
                } else {
                    storage.pendingRemovals[id] = remaining - 1
                }
            }
            let counts = storage.listCountOverride
            storage.listCountOverride = nil
            return (storage.live.values.sorted { $0.id < $1.id }, counts)
        }
    }

    /// nil when the id is unknown (AMI's "Unable to retrieve registration entry").
    func applyRegistrationAction(_ id: String, register: Bool) -> DoubleRegistration? {
        storage.withLock { storage in
            guard var registration = storage.live[id] else { return nil }
            registration.status = register ? (storage.registerOutcome[id] ?? "Registered") : "Unregistered"
            storage.live[id] = registration
            return registration
        }
    }

    var amiChunkSize: Int? { storage.withLock { $0.amiChunkSize } }

    func takeCloseMidFrame() -> Bool {
        storage.withLock { storage in
            defer { storage.amiCloseMidFrame = false }
            return storage.amiCloseMidFrame
        }
    }

    func nextConnectionEvents() -> [String] {
        storage.withLock { storage in
            storage.webSocketConnections += 1
            guard !storage.eventsPerConnection.isEmpty else { return [] }
            return storage.eventsPerConnection.count > 1
                ? storage.eventsPerConnection.removeFirst() : storage.eventsPerConnection[0]
        }
    }
}

/// Open channels of a double, for pushes and forced drops.
final class ChannelRegistry: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    func add(_ channel: any Channel) {
        channels.withLock { $0[ObjectIdentifier(channel)] = channel }
    }

    func remove(_ channel: any Channel) {
        _ = channels.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    var all: [any Channel] { channels.withLock { Array($0.values) } }
}
