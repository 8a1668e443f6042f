import NIOCore
import NIOPosix
import Testing

@testable import SMPPNIO

/// A resolver that answers a fixed list for each family, so a test can give a host name several addresses.
final class FixedResolver: Resolver, Sendable {
    let loop: any EventLoop
    let aaaa: [SocketAddress]
    let a: [SocketAddress]

    init(loop: any EventLoop, aaaa: [SocketAddress], a: [SocketAddress]) {
        self.loop = loop
        self.aaaa = aaaa
        self.a = a
    }

    func initiateAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> { loop.makeSucceededFuture(a) }
    func initiateAAAAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> {
        loop.makeSucceededFuture(aaaa)
    }
    func cancelQueries() {}
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct SeveralAddressesTests {
    /// Happy Eyeballs runs the channel initializer once per address tried. Every attempt's handler used to complete
    /// the slot's one end promise, so the refused first address "ended" the session before the second connected,
    /// and the slot closed the good connection at once, forever.
    @Test func aRefusedFirstAddressDoesNotEndTheSessionOfTheOneThatConnected() async throws {
        let loopback = try await Loopback.start(
            client: { $0.sessions = 1; $0.host = "smsc.test"; $0.tls.serverName = "localhost" },
            beforeRun: { client in
                let port = client.configuration.port
                client.resolverOverride.withLockedValue {
                    $0 = { loop in
                        // Nothing listens on port 9 (discard); the simulator listens on `port`.
                        FixedResolver(loop: loop, aaaa: [try! SocketAddress(ipAddress: "127.0.0.1", port: 9)],
                                      a: [try! SocketAddress(ipAddress: "127.0.0.1", port: port)])
                    }
                }
            })
        await loopback.waitForBound(1)
        let outcomes = await loopback.submitAll(10)
        #expect(outcomes.values.allSatisfy { (try? $0.get().commandStatus) == .ok })
        loopback.expectRecordsMatch(outcomes, count: 10)
        #expect(loopback.simulator.counters.bindsAccepted == 1)
        try await loopback.stop()
    }
}
