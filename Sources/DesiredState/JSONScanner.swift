/// A small JSON reader for Dograh's `credentials`: one pass over the UTF-8 bytes straight
/// into `JSONScalar`. Foundation's JSONDecoder took most of a 10,000-configuration cycle's
/// validation time. Nesting is capped so that hostile input cannot exhaust the stack.
struct JSONScanner {
    struct Malformed: Error {}

    static let maximumDepth = 256

    private let bytes: [UInt8]
    private var index = 0

    static func parse(_ text: String) throws(Malformed) -> JSONScalar {
        var scanner = JSONScanner(bytes: Array(text.utf8))
        let value = try scanner.value(depth: 0)
        scanner.skipWhitespace()
        guard scanner.index == scanner.bytes.count else { throw Malformed() }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func value(depth: Int) throws(Malformed) -> JSONScalar {
        guard depth < Self.maximumDepth else { throw Malformed() }
        skipWhitespace()
        guard index < bytes.count else { throw Malformed() }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool
        case UInt8(ascii: "f"): try literal("false"); return .bool
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try number()
        }
    }

    private mutating func object(depth: Int) throws(Malformed) -> JSONScalar {
        index += 1
        var members: [String: JSONScalar] = [:]
        // Dograh's credentials hold about ten members: no rehashing on the way.
        members.reserveCapacity(16)
        skipWhitespace()
        if peek(UInt8(ascii: "}")) { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else { throw Malformed() }
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            members[key] = try value(depth: depth + 1)
            skipWhitespace()
            if peek(UInt8(ascii: ",")) { index += 1; continue }
            try expect(UInt8(ascii: "}"))
            return .object(members)
        }
    }

    private mutating func array(depth: Int) throws(Malformed) -> JSONScalar {
        index += 1
        skipWhitespace()
        if peek(UInt8(ascii: "]")) { index += 1; return .array }
        while true {
            _ = try value(depth: depth + 1)
            skipWhitespace()
            if peek(UInt8(ascii: ",")) { index += 1; continue }
            try expect(UInt8(ascii: "]"))
            return .array
        }
    }

    private mutating func string() throws(Malformed) -> String {
        index += 1
        let start = index
        // Fast path: no escapes, the bytes are the string.
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
            guard bytes[index] >= 0x20 else { throw Malformed() }
            index += 1
        }
        guard index < bytes.count else { throw Malformed() }
        if bytes[index] == UInt8(ascii: "\"") {
            defer { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: String(decoding: bytes[start..<index], as: UTF8.self).unicodeScalars)
        var pendingHigh: UInt32?
        while true {
            guard index < bytes.count else { throw Malformed() }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { index += 1; break }
            if byte != UInt8(ascii: "\\") {
                guard byte >= 0x20 else { throw Malformed() }
                let runStart = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 { index += 1 }
                if pendingHigh != nil { scalars.append("\u{FFFD}"); pendingHigh = nil }
                scalars.append(contentsOf: String(decoding: bytes[runStart..<index], as: UTF8.self).unicodeScalars)
                continue
            }
            index += 1
            guard index < bytes.count else { throw Malformed() }
            let escape = bytes[index]
            index += 1
            if escape == UInt8(ascii: "u") {
                let unit = try hex4()
                if (0xD800...0xDBFF).contains(unit) {
                    if pendingHigh != nil { scalars.append("\u{FFFD}") }
                    pendingHigh = unit
                    continue
                }
                if (0xDC00...0xDFFF).contains(unit), let high = pendingHigh {
                    scalars.append(Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)) ?? "\u{FFFD}")
                    pendingHigh = nil
                    continue
                }
                if pendingHigh != nil { scalars.append("\u{FFFD}"); pendingHigh = nil }
                scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                continue
            }
            if pendingHigh != nil { scalars.append("\u{FFFD}"); pendingHigh = nil }
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            default: throw Malformed()
            }
        }
        if pendingHigh != nil { scalars.append("\u{FFFD}") }
        return String(scalars)
    }

    private mutating func hex4() throws(Malformed) -> UInt32 {
        guard index + 4 <= bytes.count else { throw Malformed() }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Malformed()
            }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }

    /// JSON's number grammar; an integer that fits Int64 is `.integer`.
    private mutating func number() throws(Malformed) -> JSONScalar {
        let start = index
        if peek(UInt8(ascii: "-")) { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw Malformed() }
        if bytes[index] == UInt8(ascii: "0") { index += 1 } else { while index < bytes.count, isDigit(bytes[index]) { index += 1 } }
        var integral = true
        if peek(UInt8(ascii: ".")) {
            integral = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw Malformed() }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            integral = false
            index += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw Malformed() }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if integral, let value = Int64(String(decoding: bytes[start..<index], as: UTF8.self)) { return .integer(value) }
        return .number
    }

    private mutating func literal(_ word: String) throws(Malformed) {
        let utf8 = Array(word.utf8)
        guard index + utf8.count <= bytes.count, bytes[index..<index + utf8.count].elementsEqual(utf8) else { throw Malformed() }
        index += utf8.count
    }

    private mutating func expect(_ byte: UInt8) throws(Malformed) {
        guard peek(byte) else { throw Malformed() }
        index += 1
    }

    private func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }
}
