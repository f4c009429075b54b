/// Which ARA rows belong to reconcilerd. It reads and touches nothing else, so operators
/// can keep their own trunks and dialplan in the same tables.
public enum Ownership {
    public static let idPrefix = "dograh_"

    /// ps_* rows by id, extensions by context, config rows by context category (the
    /// adapter also restricts them to reconcilerd's filename).
    public static func owns(_ key: RowKey) -> Bool {
        key.packed.hasPrefix(idPrefix)
    }
}
