import Foundation
import Glibc
import Synchronization

/// A TCP proxy on 127.0.0.1 in front of the private broker that can misbehave on purpose, at AMQP frame
/// boundaries of what the broker sends: refuse connections, reset a connection right after it forwarded
/// `confirm.select-ok`, or close a channel in the middle of a delivery. Blocking sockets, two threads per
/// connection; for tests only.
final class TCPProxy: Sendable {
    enum Mode: Sendable, Equatable {
        /// Forward everything.
        case pass
        /// Accept and close at once: the client's handshake fails.
        case refuse
        /// Forward until the broker's `confirm.select-ok` (class 85, method 11), then reset the connection; the
        /// proxy then goes back to `pass`.
        case resetAfterConfirmSelectOk
        /// Forward a basic.deliver method frame, then send the client a channel.close (406 "injected") instead of
        /// the content, and forward nothing more from the broker; the proxy then goes back to `pass`.
        case closeChannelInsideDelivery
        /// Accept, wait this long, then forward everything: the client's handshake takes that much longer.
        case slowHandshake(Duration)
        /// Forward until the broker's `exchange.declare-ok` (class 40, method 11), then reset the connection instead
        /// of forwarding it (the client's declare fails as a lost connection); the proxy then goes back to `pass`.
        case resetInsteadOfExchangeDeclareOk
    }

    private final class Pair: Sendable {
        let client: Int32
        let server: Int32
        private let users = Mutex(2)
        init(client: Int32, server: Int32) {
            self.client = client
            self.server = server
        }

        /// Stops both directions; with `reset`, the client gets an RST when the sockets are closed.
        func cut(reset: Bool) {
            if reset {
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                _ = setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                _ = shutdown(client, Int32(SHUT_RD))
            } else {
                _ = shutdown(client, Int32(SHUT_RDWR))
            }
            _ = shutdown(server, Int32(SHUT_RDWR))
        }

        /// Each direction's thread calls this once when it ends; the last one closes both sockets.
        func leave() {
            let last = users.withLock { users -> Bool in
                users -= 1
                return users == 0
            }
            if last {
                close(client)
                close(server)
            }
        }
    }

    private struct State {
        var mode: Mode = .pass
        var pairs: [ObjectIdentifier: Pair] = [:]
        var refused = 0
        var resets = 0
        var injected = 0
        var stopped = false
    }

    /// The port the proxy listens on (127.0.0.1).
    let port: Int
    private let listener: Int32
    private let upstreamPort: Int
    private let state = Mutex(State())

    init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard fd >= 0, bound == 0, listen(fd, 64) == 0 else { throw ProxyError(what: "listen") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// What the proxy does with the next connections.
    func setMode(_ mode: Mode) { state.withLock { $0.mode = mode } }
    var refused: Int { state.withLock { $0.refused } }
    var resets: Int { state.withLock { $0.resets } }
    var injected: Int { state.withLock { $0.injected } }

    /// Resets every open connection (the client sees the connection drop).
    func dropAll() {
        let pairs = state.withLock { Array($0.pairs.values) }
        for pair in pairs { pair.cut(reset: true) }
    }

    /// Stops accepting and drops every connection.
    func stop() {
        state.withLock { $0.stopped = true }
        dropAll()
        _ = shutdown(listener, Int32(SHUT_RDWR))
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if state.withLock({ $0.stopped }) { break }
                continue
            }
            let (mode, stopped) = state.withLock { state -> (Mode, Bool) in
                if state.mode == .refuse { state.refused += 1 }
                return (state.mode, state.stopped)
            }
            if stopped || mode == .refuse {
                close(client)
                if stopped { break }
                continue
            }
            if case .slowHandshake(let delay) = mode {
                Thread { [self] in
                    Thread.sleep(forTimeInterval: Double(delay.components.seconds)
                        + Double(delay.components.attoseconds) / 1e18)
                    forward(client)
                }.start()
                continue
            }
            forward(client)
        }
        close(listener)
    }

    /// Connects upstream and copies both ways until either side ends.
    private func forward(_ client: Int32) {
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: UInt16(upstreamPort))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(client)
            close(server)
            return
        }
        let pair = Pair(client: client, server: server)
        state.withLock { $0.pairs[ObjectIdentifier(pair)] = pair }
        Thread { [self] in
            copy(from: client, to: server)
            pair.cut(reset: false)
            finish(pair)
        }.start()
        Thread { [self] in
            brokerToClient(pair)
            finish(pair)
        }.start()
    }

    private func finish(_ pair: Pair) {
        state.withLock { _ = $0.pairs.removeValue(forKey: ObjectIdentifier(pair)) }
        pair.leave()
    }

    private func copy(from source: Int32, to target: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(source, &buffer, buffer.count)
            guard count > 0, Self.writeAll(target, buffer[0..<count]) else { return }
        }
    }

    /// Forwards the broker's bytes, frame by frame where the current mode needs to see them.
    private func brokerToClient(_ pair: Pair) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var pending: [UInt8] = []
        while true {
            let count = read(pair.server, &buffer, buffer.count)
            guard count > 0 else {
                pair.cut(reset: false)
                return
            }
            let mode = state.withLock { $0.mode }
            let inspects = mode == .resetAfterConfirmSelectOk || mode == .closeChannelInsideDelivery
                || mode == .resetInsteadOfExchangeDeclareOk
            guard inspects || !pending.isEmpty else {
                if !Self.writeAll(pair.client, buffer[0..<count]) { return }
                continue
            }
            pending.append(contentsOf: buffer[0..<count])
            var offset = 0
            while pending.count - offset >= 8 {
                let size = Int(pending[offset + 3]) << 24 | Int(pending[offset + 4]) << 16
                    | Int(pending[offset + 5]) << 8 | Int(pending[offset + 6])
                let end = offset + 7 + size + 1
                guard pending.count >= end else { break }
                let isMethod = pending[offset] == 1 && size >= 4
                let classID = isMethod ? Int(pending[offset + 7]) << 8 | Int(pending[offset + 8]) : 0
                let methodID = isMethod ? Int(pending[offset + 9]) << 8 | Int(pending[offset + 10]) : 0
                let channel = UInt16(pending[offset + 1]) << 8 | UInt16(pending[offset + 2])
                if mode == .resetAfterConfirmSelectOk, classID == 85, methodID == 11 {
                    _ = Self.writeAll(pair.client, pending[0..<end])
                    state.withLock {
                        $0.resets += 1
                        $0.mode = .pass
                    }
                    pair.cut(reset: true)
                    return
                }
                if mode == .resetInsteadOfExchangeDeclareOk, classID == 40, methodID == 11 {
                    _ = Self.writeAll(pair.client, pending[0..<offset])
                    state.withLock {
                        $0.resets += 1
                        $0.mode = .pass
                    }
                    pair.cut(reset: true)
                    return
                }
                if mode == .closeChannelInsideDelivery, classID == 60, methodID == 60 {
                    _ = Self.writeAll(pair.client, pending[0..<end])
                    _ = Self.writeAll(pair.client, Self.channelClose(channel: channel, code: 406, text: "injected")[...])
                    state.withLock {
                        $0.injected += 1
                        $0.mode = .pass
                    }
                    // Swallow the rest of what the broker sends on this connection.
                    while read(pair.server, &buffer, buffer.count) > 0 {}
                    pair.cut(reset: false)
                    return
                }
                offset = end
            }
            if offset > 0 {
                guard Self.writeAll(pair.client, pending[0..<offset]) else { return }
                pending.removeFirst(offset)
            }
        }
    }

    private static func channelClose(channel: UInt16, code: UInt16, text: String) -> [UInt8] {
        var payload: [UInt8] = [0, 20, 0, 40, UInt8(code >> 8), UInt8(code & 0xFF), UInt8(text.utf8.count)]
        payload += Array(text.utf8)
        payload += [0, 60, 0, 60]
        let size = UInt32(payload.count)
        var frame: [UInt8] = [1, UInt8(channel >> 8), UInt8(channel & 0xFF)]
        frame += [UInt8(size >> 24), UInt8((size >> 16) & 0xFF), UInt8((size >> 8) & 0xFF), UInt8(size & 0xFF)]
        return frame + payload + [0xCE]
    }

    private static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}

struct ProxyError: Error {
    var what: String
}
