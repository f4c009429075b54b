/// Socket-free AMI framing: feed byte chunks of any size, take complete frames.
///
/// A message is `Key: value` lines ended by an empty line. Lines may end in `\r\n` or a
/// bare `\n` (Asterisk's "Unable to retrieve registration entry\n" produces
/// `...entry\n\r\n\r\n`), chunks may split anywhere, including inside `\r\n`. The first
/// line of a connection is the banner and has no blank line after it.
///
/// `AuthDetail` events carry the SIP password in clear. They are dropped here, line by
/// line, before any of their values is decoded into a `String`; credential headers of
/// other messages are dropped the same way.
public struct AMIFrameParser: Sendable {
    public enum Frame: Sendable, Hashable {
        case banner(String)
        case message(AMIMessage)
    }

    /// Events never turned into values (lower-cased).
    static let droppedEvents: Set<String> = ["authdetail"]
    /// Headers never turned into values in any message (lower-cased).
    static let droppedHeaders: Set<String> = ["password", "secret", "md5cred", "oauthsecret", "refreshtoken", "passworddigest"]

    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// Where the search for the next `\n` resumes, so 1-byte feeds stay linear.
    private var scanIndex = 0
    private var awaitingBanner: Bool
    private var headers: [AMIMessage.Header] = []
    private var skippingDroppedMessage = false
    private let maximumLineLength: Int

    public init(expectBanner: Bool = true, maximumLineLength: Int = 64 * 1024) {
        self.awaitingBanner = expectBanner
        self.maximumLineLength = maximumLineLength
    }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if readIndex > 0, readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
            scanIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Next complete frame, or nil when more bytes are needed.
    public mutating func nextFrame() throws(AMIError) -> Frame? {
        while let line = try nextLine() {
            if awaitingBanner {
                awaitingBanner = false
                return .banner(String(decoding: line, as: UTF8.self))
            }
            if line.isEmpty {
                if skippingDroppedMessage {
                    skippingDroppedMessage = false
                    continue
                }
                // Stray blank lines (the second `\r\n` after a bare `\n`) end nothing.
                guard !headers.isEmpty else { continue }
                let message = AMIMessage(headers: headers)
                headers.removeAll(keepingCapacity: true)
                return .message(message)
            }
            if skippingDroppedMessage { continue }
            consumeHeaderLine(line)
        }
        return nil
    }

    /// Appends `bytes` and returns every frame now complete.
    public mutating func parse(_ bytes: some Sequence<UInt8>) throws(AMIError) -> [Frame] {
        append(bytes)
        var frames: [Frame] = []
        while let frame = try nextFrame() { frames.append(frame) }
        return frames
    }

    private mutating func consumeHeaderLine(_ line: ArraySlice<UInt8>) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }  // not `Key: value`: ignored
        let keyBytes = trimmed(line[line.startIndex..<colon])
        let key = String(decoding: keyBytes, as: UTF8.self)
        let lowerKey = key.lowercased()
        if Self.droppedHeaders.contains(lowerKey) { return }
        var valueStart = line.index(after: colon)
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let valueBytes = line[valueStart...]
        if lowerKey == "event", Self.droppedEvents.contains(String(decoding: trimmed(valueBytes), as: UTF8.self).lowercased()) {
            // Headers already collected belong to the dropped message too.
            headers.removeAll(keepingCapacity: true)
            skippingDroppedMessage = true
            return
        }
        headers.append(.init(name: key, value: String(decoding: valueBytes, as: UTF8.self)))
    }

    private func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }

    /// Next line without its terminator (`\n`, with any `\r` before it removed).
    private mutating func nextLine() throws(AMIError) -> ArraySlice<UInt8>? {
        guard let newline = buffer[scanIndex...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanIndex = buffer.count
            if buffer.count - readIndex > maximumLineLength {
                throw AMIError.protocolViolation("line longer than \(maximumLineLength) bytes")
            }
            compactIfNeeded()
            return nil
        }
        var end = newline
        while end > readIndex, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = buffer[readIndex..<end]
        readIndex = newline + 1
        scanIndex = readIndex
        return line
    }

    private mutating func compactIfNeeded() {
        guard readIndex > 4096, readIndex * 2 > buffer.count else { return }
        buffer.removeFirst(readIndex)
        scanIndex -= readIndex
        readIndex = 0
    }
}
