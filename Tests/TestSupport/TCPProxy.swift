import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Small blocking-socket helpers for loopback fault injection (POSIX sockets, one thread per
/// connection; test traffic is a handful of connections).
public enum LoopbackSocket {
    /// A listening socket on 127.0.0.1 (`port` 0: any free port) and the port it got.
    public static func listen(port: UInt16 = 0) -> (fd: Int32, port: UInt16)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 128) == 0 else {
            close(fd)
            return nil
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    /// A connected socket to 127.0.0.1:`port`, or nil.
    public static func connect(port: UInt16) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Waits up to `milliseconds` for `fd` to be readable (or closed); true when it is.
    public static func readable(_ fd: Int32, milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }

    /// Reads what is available: nil on EOF or error, [] when nothing came within the wait.
    public static func read(_ fd: Int32, waitMilliseconds: Int32 = 0) -> [UInt8]? {
        guard readable(fd, milliseconds: waitMilliseconds) else { return [] }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return Array(buffer[..<count])
    }

    /// Writes everything; false when the peer is gone.
    @discardableResult
    public static func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 {
                if sent < 0 && errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return true
    }

    /// Closes with an RST (SO_LINGER 0), like a peer that vanished.
    public static func abort(_ fd: Int32) {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close(fd)
    }
}

/// A loopback TCP forwarder to put between reconcilerd and a server (Postgres, AMI) and
/// inject network faults:
///
/// - `.forward`: bytes pass both ways (server→client bytes optionally delayed by `latency`);
/// - `.refuse`: the listener is closed (connects are refused) and every open connection is
///   reset, like a stopped server;
/// - `.stall`: a partition that neither refuses nor answers: new connections are accepted
///   and read, open ones keep being read, but nothing is forwarded either way. Back in
///   `.forward`, what was held is delivered.
public final class TCPProxy: @unchecked Sendable {
    public enum Mode: Sendable, Equatable { case forward, refuse, stall }

    public let port: UInt16
    private let upstreamPort: UInt16
    private let lock = NSLock()
    private var mode: Mode = .forward
    private var listening = true
    private var listenerFD: Int32
    private var closed = false
    private var cutGeneration = 0
    private var latencyValue: Duration = .zero
    private var accepted = 0
    private var open = 0

    public init(upstreamPort: UInt16) throws {
        guard let (fd, port) = LoopbackSocket.listen() else { throw ProxyError.cannotListen }
        self.port = port
        self.upstreamPort = upstreamPort
        listenerFD = fd
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    public struct ProxyError: Error { public static let cannotListen = ProxyError() }

    /// Convenience: a proxy in front of the Postgres of a libpq URL; returns the proxy and
    /// the URL rewritten to go through it.
    public static func inFront(ofPostgresURL url: String) throws -> (TCPProxy, String) {
        guard let range = url.range(of: #"@127\.0\.0\.1:(\d+)/"#, options: .regularExpression) else { throw ProxyError.cannotListen }
        let hostPort = url[range].dropFirst("@127.0.0.1:".count).dropLast()
        let proxy = try TCPProxy(upstreamPort: UInt16(hostPort)!)
        return (proxy, url.replacingCharacters(in: range, with: "@127.0.0.1:\(proxy.port)/"))
    }

    public var currentMode: Mode { lock.withLock { mode } }
    public var acceptedConnections: Int { lock.withLock { accepted } }
    public var openConnections: Int { lock.withLock { open } }

    /// Switches mode and waits (briefly) until the listener reflects it.
    public func setMode(_ newMode: Mode) {
        lock.withLock {
            if newMode == .refuse && mode != .refuse { cutGeneration += 1 }
            mode = newMode
        }
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline {
            let settled = lock.withLock { listening == (mode != .refuse) }
            if settled { return }
            usleep(2000)
        }
    }

    /// Delay applied to every server→client chunk (a slow server or link).
    public func setLatency(_ latency: Duration) { lock.withLock { latencyValue = latency } }

    /// Resets every open connection now (the listener stays as the mode says).
    public func cutAll() { lock.withLock { cutGeneration += 1 } }

    public func shutdown() {
        lock.withLock {
            closed = true
            cutGeneration += 1
        }
        // The accept loop closes the listener within one poll interval.
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline, lock.withLock({ listening }) { usleep(2000) }
    }

    deinit { shutdown() }

    private func acceptLoop() {
        while true {
            let (want, fd, isClosed) = lock.withLock { (mode != .refuse && !closed, listenerFD, closed) }
            let isListening = lock.withLock { listening }
            if isListening && !want {
                close(fd)
                lock.withLock { listening = false; listenerFD = -1 }
                if isClosed { return }
                continue
            }
            if !isListening {
                if isClosed { return }
                if want, let (fresh, _) = LoopbackSocket.listen(port: port) {
                    lock.withLock { listenerFD = fresh; listening = true }
                } else {
                    usleep(10_000)
                }
                continue
            }
            guard LoopbackSocket.readable(fd, milliseconds: 10) else { continue }
            let client = accept(fd, nil, nil)
            guard client >= 0 else { continue }
            lock.withLock { accepted += 1; open += 1 }
            Thread.detachNewThread { [self] in
                relay(client)
                lock.withLock { open -= 1 }
            }
        }
    }

    /// One connection: client ↔ upstream with the faults applied.
    private func relay(_ client: Int32) {
        let generation = lock.withLock { cutGeneration }
        var upstream: Int32 = -1
        var toUpstream: [UInt8] = []
        var toClient: [(release: ContinuousClock.Instant, bytes: [UInt8])] = []
        var clientOpen = true, upstreamOpen = true
        defer {
            if upstream >= 0 { close(upstream) }
        }
        while true {
            let (mode, cut, latency) = lock.withLock { (self.mode, cutGeneration != generation, latencyValue) }
            if cut || mode == .refuse {
                LoopbackSocket.abort(client)
                if upstream >= 0 { LoopbackSocket.abort(upstream); upstream = -1 }
                return
            }
            if mode == .forward && upstream < 0 {
                guard let fd = LoopbackSocket.connect(port: upstreamPort) else {
                    LoopbackSocket.abort(client)
                    return
                }
                upstream = fd
            }
            var descriptors = [pollfd(fd: clientOpen ? client : -1, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: upstream >= 0 && upstreamOpen ? upstream : -1, events: Int16(POLLIN), revents: 0)]
            _ = poll(&descriptors, 2, 10)
            if clientOpen && descriptors[0].revents != 0 {
                if let bytes = LoopbackSocket.read(client) { toUpstream += bytes } else { clientOpen = false }
            }
            if upstream >= 0 && upstreamOpen && descriptors[1].revents != 0 {
                if let bytes = LoopbackSocket.read(upstream) {
                    if !bytes.isEmpty { toClient.append((ContinuousClock.now + latency, bytes)) }
                } else {
                    upstreamOpen = false
                }
            }
            guard mode == .forward else {
                if !clientOpen { close(client); return }
                continue
            }
            if !toUpstream.isEmpty {
                if !LoopbackSocket.write(upstream, toUpstream) { upstreamOpen = false }
                toUpstream.removeAll()
            }
            let now = ContinuousClock.now
            while let first = toClient.first, first.release <= now {
                if !LoopbackSocket.write(client, first.bytes) { clientOpen = false }
                toClient.removeFirst()
            }
            if !clientOpen {
                close(client)
                return
            }
            if !upstreamOpen && toClient.isEmpty {
                close(client)
                return
            }
        }
    }
}

/// A loopback server that plays a script: on connect it sends `greeting`, and for every
/// chunk it receives it answers `reply` (both may be empty). It never closes a connection
/// itself. Stands in for a misbehaving peer (an AMI that talks garbage, ...).
public final class TCPScriptServer: @unchecked Sendable {
    public let port: UInt16
    private let lock = NSLock()
    private var closed = false
    private var receivedBytes: [UInt8] = []
    private let listenerFD: Int32

    public init(greeting: [UInt8], reply: [UInt8]) throws {
        guard let (fd, port) = LoopbackSocket.listen() else { throw TCPProxy.ProxyError.cannotListen }
        self.port = port
        listenerFD = fd
        Thread.detachNewThread { [self] in
            while !lock.withLock({ closed }) {
                guard LoopbackSocket.readable(fd, milliseconds: 20) else { continue }
                let client = accept(fd, nil, nil)
                guard client >= 0 else { continue }
                Thread.detachNewThread { [self] in
                    LoopbackSocket.write(client, greeting)
                    while !lock.withLock({ closed }) {
                        guard let bytes = LoopbackSocket.read(client, waitMilliseconds: 20) else { break }
                        guard !bytes.isEmpty else { continue }
                        lock.withLock { receivedBytes += bytes }
                        if !reply.isEmpty { LoopbackSocket.write(client, reply) }
                    }
                    close(client)
                }
            }
            close(fd)
        }
    }

    /// Everything clients sent, as text.
    public var received: String { lock.withLock { String(decoding: receivedBytes, as: UTF8.self) } }

    public func shutdown() { lock.withLock { closed = true } }

    deinit { shutdown() }
}
