/// A change Asterisk must be told about after the realtime tables changed.
public enum AsteriskAction: Hashable, Sendable, CustomStringConvertible {
    /// ARI `PUT /ari/asterisk/modules/{module}`.
    case reloadModule(String)
    /// AMI `PJSIPRegister` for a registration id.
    case register(String)
    /// AMI `PJSIPUnregister` for a registration id.
    case unregister(String)

    public var description: String {
        switch self {
        case .reloadModule(let module): "reload \(module)"
        case .register(let id): "register \(id)"
        case .unregister(let id): "unregister \(id)"
        }
    }

    var usesAMI: Bool {
        if case .reloadModule = self { return false }
        return true
    }
}
