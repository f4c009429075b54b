/// `dograh_<slug>_<ext>` (DOMAIN.md §2): slug = sip_domain lower-cased with every run of
/// characters outside `[a-z0-9]` turned into `_` and outer `_` stripped; ext = extension
/// without characters outside `[A-Za-z0-9]`.
public enum EndpointNaming {
    public static func slug(ofDomain domain: String) -> String {
        // ASCII (every valid sip_domain): byte by byte. Otherwise through Unicode
        // lower-casing, which can turn a non-ASCII character into an ASCII one.
        if domain.utf8.allSatisfy({ $0 < 0x80 }) {
            var slug: [UInt8] = []
            slug.reserveCapacity(domain.utf8.count)
            var pendingSeparator = false
            for byte in domain.utf8 {
                let lower = (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
                if (0x61...0x7A).contains(lower) || (0x30...0x39).contains(lower) {
                    if pendingSeparator && !slug.isEmpty { slug.append(0x5F) }
                    pendingSeparator = false
                    slug.append(lower)
                } else {
                    pendingSeparator = true
                }
            }
            return String(decoding: slug, as: UTF8.self)
        }
        var slug = ""
        var pendingSeparator = false
        for scalar in domain.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingSeparator && !slug.isEmpty { slug += "_" }
                pendingSeparator = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingSeparator = true
            }
        }
        return slug
    }

    public static func cleanExtension(_ extensionNumber: String) -> String {
        // Letters and digits are ASCII bytes, and no byte of a multi-byte character is one.
        String(decoding: extensionNumber.utf8.filter { (0x61...0x7A).contains($0) || (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) },
               as: UTF8.self)
    }

    /// nil when either part comes out empty.
    public static func endpointID(domain: String, extensionNumber: String) -> String? {
        let slug = slug(ofDomain: domain), ext = cleanExtension(extensionNumber)
        guard !slug.isEmpty, !ext.isEmpty else { return nil }
        return "dograh_\(slug)_\(ext)"
    }
}
