import Reconciler

/// Reads and checks the fields of one configuration, producing errors that name it.
struct FieldReader {
    let record: ConfigurationRecord
    /// Set once derivable, so that later errors hold the trunk's rows instead of deleting them.
    var endpointID: String?

    init(record: ConfigurationRecord) { self.record = record }

    func error(_ field: String?, _ reason: String) -> ConfigurationError {
        ConfigurationError(configuration: record.ref, field: field, reason: reason, endpointID: endpointID)
    }

    func credentials() throws(ConfigurationError) -> Credentials {
        do {
            return try Credentials(json: record.credentialsJSON)
        } catch {
            switch error {
            case .malformed: throw self.error("credentials", "is not valid JSON")
            case .notAnObject(let type): throw self.error("credentials", "must be a JSON object, got \(type)")
            }
        }
    }

    func required(_ field: String, in credentials: Credentials, trim: Bool = true) throws(ConfigurationError) -> String {
        guard let value = try string(field, in: credentials, trim: trim) else { throw error(field, "is missing") }
        if value.isEmpty { throw error(field, "is empty") }
        return value
    }

    /// nil when absent or empty: the caller's default applies.
    func optional(_ field: String, in credentials: Credentials) throws(ConfigurationError) -> String? {
        guard let value = try string(field, in: credentials), !value.isEmpty else { return nil }
        return value
    }

    /// The field's string value (trimmed unless told otherwise); nil when absent.
    func string(_ field: String, in credentials: Credentials, trim: Bool = true) throws(ConfigurationError) -> String? {
        switch credentials.value(field, acceptingIntegers: field == "extension") {
        case .absent:
            return nil
        case .wrongType(let type):
            throw error(field, "must be a string, got \(type)")
        case .string(let raw):
            // Control characters are single bytes in UTF-8: no need to decode scalars.
            if raw.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
                throw error(field, "contains a control character (NUL, newline, ...)")
            }
            return trim ? Self.trimmingSpaces(raw) : raw
        }
    }

    func check(_ field: String, _ value: String, allowed: (Unicode.Scalar) -> Bool, hint: String) throws(ConfigurationError) {
        if let bad = value.unicodeScalars.first(where: { !allowed($0) }) {
            let shown = bad.properties.isWhitespace || bad.value > 0x7E ? "U+\(String(bad.value, radix: 16, uppercase: true))" : "'\(bad)'"
            throw error(field, "contains \(shown); allowed are \(hint)")
        }
    }

    func endpointID(domain: String, extensionNumber: String) throws(ConfigurationError) -> String {
        if EndpointNaming.slug(ofDomain: domain).isEmpty { throw error("sip_domain", "has no letters or digits to name the endpoint") }
        if EndpointNaming.cleanExtension(extensionNumber).isEmpty { throw error("extension", "has no letters or digits to name the endpoint") }
        let id = EndpointNaming.endpointID(domain: domain, extensionNumber: extensionNumber)!
        if id.count > ARALimits.endpointID {
            // Blame the part that makes it long, and quote only a bounded prefix of it.
            let field = EndpointNaming.cleanExtension(extensionNumber).count > EndpointNaming.slug(ofDomain: domain).count ? "extension" : "sip_domain"
            throw error(field, "endpoint id \(Self.bounded(id)) is \(id.count) characters; at most \(ARALimits.endpointID) fit "
                + "(its dialplan context <id>-outbound must fit extensions.context, varchar(40))")
        }
        return id
    }

    /// Without leading and trailing spaces (control characters were refused before).
    static func trimmingSpaces(_ value: String) -> String {
        // Most values start and end with a printable ASCII byte: nothing to trim, and no
        // need to look at Characters.
        guard let head = value.utf8.first, let tail = value.utf8.last else { return value }
        if head > 0x20 && head < 0x80 && tail > 0x20 && tail < 0x80 { return value }
        guard let first = value.first, let last = value.last, first.isWhitespace || last.isWhitespace else { return value }
        var slice = Substring(value)
        while let head = slice.first, head.isWhitespace { slice.removeFirst() }
        while let tail = slice.last, tail.isWhitespace { slice.removeLast() }
        return String(slice)
    }

    /// A value for a message: at most 40 characters of it.
    static func bounded(_ value: String) -> String {
        value.count > 40 ? String(value.prefix(40)) + "…" : value
    }

    func dialRoutes(_ stripPrefix: String, memo: inout DialRouteMemo) throws(ConfigurationError) -> [DialRoute] {
        switch memo.routes(for: stripPrefix) {
        case .success(let routes): return routes
        case .failure(let error): throw self.error("strip_prefix", "cannot be turned into a dialplan pattern: \(error)")
        }
    }

    /// Lengths as stored: after `;`/`^` escaping, in characters. A secret's value is never quoted.
    func limit(_ field: String, _ value: String, _ max: Int, column: String, secret: Bool = false) throws(ConfigurationError) {
        let length = AsteriskEscaping.storedLength(value)
        if length > max {
            throw error(field, "is \(length) characters as stored; \(column) holds at most \(max)")
        }
    }
}
