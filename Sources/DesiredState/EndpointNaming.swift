/// `dograh_<slug>_<ext>` (DOMAIN.md §2): slug = sip_domain lower-cased with every run of
/// characters outside `[a-z0-9]` turned into `_` and outer `_` stripped; ext = extension
/// without characters outside `[A-Za-z0-9]`.
public enum EndpointNaming {
    public static func slug(ofDomain domain: String) -> String {
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
        String(String.UnicodeScalarView(extensionNumber.unicodeScalars.filter {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
        }))
    }

    /// nil when either part comes out empty.
    public static func endpointID(domain: String, extensionNumber: String) -> String? {
        let slug = slug(ofDomain: domain), ext = cleanExtension(extensionNumber)
        guard !slug.isEmpty, !ext.isEmpty else { return nil }
        return "dograh_\(slug)_\(ext)"
    }
}
