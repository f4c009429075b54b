/// What Asterisk must be told after a committed apply for the rows to take effect
/// (DOMAIN.md, "When Asterisk sees a change").
public enum Actuation: Hashable, Sendable, Comparable, CustomStringConvertible {
    case reloadModule(String)
    /// AMI `PJSIPRegister`: a Rejected registration is retried only on request.
    case register(String)

    public static let registrationModule = "res_pjsip_outbound_registration.so"
    public static let dialplanModule = "pbx_config.so"

    public var description: String {
        switch self {
        case .reloadModule(let module): "reload \(module)"
        case .register(let id): "PJSIPRegister \(id)"
        }
    }

    /// Reloads first (a re-created registration must exist before it is re-registered), then by name.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.reloadModule(let a), .reloadModule(let b)), (.register(let a), .register(let b)): a < b
        case (.reloadModule, .register): true
        case (.register, .reloadModule): false
        }
    }

    /// At most one reload per module whatever the number of trunks; a PJSIPRegister for each
    /// trunk whose credentials changed and that stays provisioned.
    public static func required(by steps: [PlanStep], drift: [AsteriskDrift] = []) -> [Actuation] {
        var actions: Set<Actuation> = []
        var reloadRegistrations = !drift.isEmpty, reloadDialplan = false
        for step in steps {
            switch step.key.table {
            case .psRegistrations: reloadRegistrations = true
            case .dialplanContexts: reloadDialplan = true
            case .psAuths:
                if case .update = step, step.changes.contains(where: { $0.column == "password" || $0.column == "username" }) {
                    actions.insert(.register(step.key.endpointID))
                }
            case .psAors, .psEndpoints, .extensions: break
            }
        }
        if reloadRegistrations { actions.insert(.reloadModule(registrationModule)) }
        if reloadDialplan { actions.insert(.reloadModule(dialplanModule)) }
        return actions.sorted()
    }
}
