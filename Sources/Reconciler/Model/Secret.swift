/// A value that must never be printed: its descriptions and reflection show a mask.
public struct Secret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The clear value, for the few places that must write it (the ARA row).
    public let exposed: String

    public init(_ value: String) { exposed = value }

    public var description: String { "(sensitive)" }
    public var debugDescription: String { "Secret(sensitive)" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
