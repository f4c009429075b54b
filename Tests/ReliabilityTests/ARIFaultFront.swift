import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP front for the ARI double that injects what the shared double has no knob for:
/// 500 and 503 answers and malformed JSON bodies, for the next N requests matching a method
/// and path prefix. Every other request is forwarded to the double unchanged (one upstream
/// connection per request).
///
/// The events WebSocket is answered here (101, then silence; pings answered, a close frame
/// closed) instead of being forwarded: the shared ARI double crashes the whole test
/// process when a client sends a WebSocket close frame (ARIDoubleHTTPHandler stays in the
/// pipeline after the upgrade and traps on the raw frame bytes), and every daemon sends one
/// when it shuts down.
final class ARIFaultFront: @unchecked Sendable {
    struct Fault: Sendable {
        var method: String
        var pathPrefix: String
        var status: Int
        var body: String
        var remaining: Int
    }

    struct Exchange: Sendable {
        var method: String
        var path: String
        var status: Int
        var injected: Bool
    }

    let port: UInt16
    private let upstreamPort: UInt16
    private let lock = NSLock()
    private var faults: [Fault] = []
    private var exchanges: [Exchange] = []
    private var closed = false

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(upstreamPort: UInt16) throws {
        guard let (fd, port) = LoopbackSocket.listen() else { throw TCPProxy.ProxyError.cannotListen }
        self.port = port
        self.upstreamPort = upstreamPort
        Thread.detachNewThread { [self] in
            while !lock.withLock({ closed }) {
                guard LoopbackSocket.readable(fd, milliseconds: 20) else { continue }
                let client = accept(fd, nil, nil)
                guard client >= 0 else { continue }
                Thread.detachNewThread { [self] in serve(client) }
            }
            close(fd)
        }
    }

    /// The next `times` requests `method path…` get `status` with `body` instead of the double's answer.
    func inject(_ method: String, _ pathPrefix: String, status: Int, body: String, times: Int = Int.max) {
        lock.withLock { faults.append(Fault(method: method, pathPrefix: pathPrefix, status: status, body: body, remaining: times)) }
    }

    func clearFaults() { lock.withLock { faults.removeAll() } }

    var log: [Exchange] { lock.withLock { exchanges } }

    func count(_ method: String, _ pathPrefix: String, injected: Bool? = nil) -> Int {
        log.filter { $0.method == method && $0.path.hasPrefix(pathPrefix) && (injected == nil || $0.injected == injected) }.count
    }

    func shutdown() { lock.withLock { closed = true } }

    private func takeFault(_ method: String, _ path: String) -> Fault? {
        lock.withLock {
            guard let index = faults.firstIndex(where: { $0.method == method && path.hasPrefix($0.pathPrefix) && $0.remaining > 0 }) else { return nil }
            faults[index].remaining -= 1
            return faults[index]
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var buffer: [UInt8] = []
        while !lock.withLock({ closed }) {
            guard let head = Self.readHead(client, &buffer) else { return }
            let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
            let requestLine = lines.first?.split(separator: " ").map(String.init) ?? []
            guard requestLine.count >= 2 else { return }
            let method = requestLine[0]
            let path = String(requestLine[1].prefix { $0 != "?" })
            let headers = Self.headers(lines)
            let length = Int(headers["content-length"] ?? "0") ?? 0
            guard var body = Self.readExactly(client, &buffer, length) else { return }
            if headers["upgrade"] != nil {
                lock.withLock { exchanges.append(Exchange(method: method, path: path, status: 101, injected: true)) }
                quietWebSocket(client, key: headers["sec-websocket-key"] ?? "", protocols: headers["sec-websocket-protocol"], pending: buffer)
                return
            }
            if let fault = takeFault(method, path) {
                let payload = Array(fault.body.utf8)
                let response = "HTTP/1.1 \(fault.status) \(Self.reason(fault.status))\r\nServer: Asterisk/22.10.1\r\n"
                    + "Cache-Control: no-cache, no-store\r\nContent-type: application/json\r\nContent-Length: \(payload.count)\r\n\r\n"
                lock.withLock { exchanges.append(Exchange(method: method, path: path, status: fault.status, injected: true)) }
                guard LoopbackSocket.write(client, Array(response.utf8) + payload) else { return }
                continue
            }
            guard let upstream = LoopbackSocket.connect(port: upstreamPort) else { return }
            defer { close(upstream) }
            LoopbackSocket.write(upstream, head + body)
            body.removeAll()
            var upstreamBuffer: [UInt8] = []
            guard let responseHead = Self.readHead(upstream, &upstreamBuffer) else { return }
            let responseLines = String(decoding: responseHead, as: UTF8.self).components(separatedBy: "\r\n")
            let status = Int(responseLines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
            let responseLength = Int(Self.headers(responseLines)["content-length"] ?? "0") ?? 0
            guard let responseBody = Self.readExactly(upstream, &upstreamBuffer, responseLength) else { return }
            lock.withLock { exchanges.append(Exchange(method: method, path: path, status: status, injected: false)) }
            guard LoopbackSocket.write(client, responseHead + responseBody) else { return }
        }
    }

    /// Accepts the upgrade, then sends nothing: pings get a pong, a close frame is answered
    /// and the connection closed.
    private func quietWebSocket(_ client: Int32, key: String, protocols: String?, pending: [UInt8]) {
        let accept = Data(SHA1.digest(Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))).base64EncodedString()
        var response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(accept)\r\n"
        if protocols?.contains("ari") == true { response += "Sec-WebSocket-Protocol: ari\r\n" }
        guard LoopbackSocket.write(client, Array((response + "\r\n").utf8)) else { return }
        var buffer = pending
        while !lock.withLock({ closed }) {
            // One complete client frame: 2-byte header, extended length, 4-byte mask, payload.
            while buffer.count >= 2 {
                let opcode = buffer[0] & 0x0F
                var length = Int(buffer[1] & 0x7F), offset = 2
                if length == 126 {
                    guard buffer.count >= 4 else { break }
                    length = Int(buffer[2]) << 8 | Int(buffer[3]); offset = 4
                } else if length == 127 {
                    guard buffer.count >= 10 else { break }
                    length = buffer[2..<10].reduce(0) { $0 << 8 | Int($1) }; offset = 10
                }
                let masked = buffer[1] & 0x80 != 0
                let total = offset + (masked ? 4 : 0) + length
                guard buffer.count >= total else { break }
                var payload = Array(buffer[(total - length)..<total])
                if masked {
                    let mask = Array(buffer[offset..<(offset + 4)])
                    for index in payload.indices { payload[index] ^= mask[index % 4] }
                }
                buffer.removeFirst(total)
                switch opcode {
                case 0x8:
                    LoopbackSocket.write(client, [0x88, 0x00])
                    return
                case 0x9 where payload.count < 126:
                    LoopbackSocket.write(client, [0x8A, UInt8(payload.count)] + payload)
                default:
                    break
                }
            }
            guard let bytes = LoopbackSocket.read(client, waitMilliseconds: 100) else { return }
            buffer += bytes
        }
    }

    /// Bytes up to and including the blank line; nil when the peer closed first.
    private static func readHead(_ fd: Int32, _ buffer: inout [UInt8]) -> [UInt8]? {
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            if let range = buffer.firstRange(of: terminator) {
                let head = Array(buffer[..<range.upperBound])
                buffer.removeSubrange(..<range.upperBound)
                return head
            }
            guard let bytes = LoopbackSocket.read(fd, waitMilliseconds: 100) else { return nil }
            buffer += bytes
        }
    }

    private static func readExactly(_ fd: Int32, _ buffer: inout [UInt8], _ count: Int) -> [UInt8]? {
        while buffer.count < count {
            guard let bytes = LoopbackSocket.read(fd, waitMilliseconds: 100) else { return nil }
            buffer += bytes
        }
        let body = Array(buffer[..<count])
        buffer.removeSubrange(..<count)
        return body
    }

    private static func headers(_ lines: [String]) -> [String: String] {
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return headers
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 409: "Conflict"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Error"
        }
    }
}

/// SHA-1, for the Sec-WebSocket-Accept header only.
enum SHA1 {
    static func digest(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var data = message
        let bitLength = UInt64(message.count) * 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        for chunk in stride(from: 0, to: data.count, by: 64) {
            var w = [UInt32](repeating: 0, count: 80)
            for i in 0..<16 {
                w[i] = data[chunk + 4 * i..<chunk + 4 * i + 4].reduce(0) { $0 << 8 | UInt32($1) }
            }
            for i in 16..<80 {
                let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                w[i] = x << 1 | x >> 31
            }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for i in 0..<80 {
                let (f, k): (UInt32, UInt32) = switch i {
                case 0..<20: ((b & c) | (~b & d), 0x5A82_7999)
                case 20..<40: (b ^ c ^ d, 0x6ED9_EBA1)
                case 40..<60: ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                default: (b ^ c ^ d, 0xCA62_C1D6)
                }
                let temp = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
                (e, d, c, b, a) = (d, c, b << 30 | b >> 2, a, temp)
            }
            h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e
        }
        return h.flatMap { value in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> UInt32($0)) } }
    }
}
