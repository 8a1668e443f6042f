import Configuration
import Testing

@testable import RabbitMQ

/// Several broker addresses (a cluster): the URL list, its validation, the rotation and the reconnect rounds.
@Suite struct AMQPClusterAddressTests {
    let t0 = ContinuousClock.Instant.now

    @Test func aCommaSeparatedListIsOneAddressPerNodeWithSharedSettings() throws {
        let configuration = try AMQPConfiguration(
            url: "amqps://bridge:s%40cret@node1:5671/prod, amqps://bridge:s%40cret@node2:5681/prod,amqps://bridge:s%40cret@[::1]/prod")
        #expect(configuration.addresses == [
            AMQPAddress(host: "node1", port: 5671), AMQPAddress(host: "node2", port: 5681),
            AMQPAddress(host: "::1", port: 5671),
        ])
        #expect(configuration.host == "node1" && configuration.port == 5671)
        #expect(configuration.user == "bridge" && configuration.password == "s@cret" && configuration.virtualHost == "prod")
        #expect(configuration.tls != nil)
        #expect(configuration.description == "amqps://bridge:***@node1:5671,node2:5681,[::1]:5671/prod")
        #expect(try AMQPConfiguration(url: "amqp://h").addresses == [AMQPAddress(host: "h", port: 5672)])
    }

    @Test(arguments: [
        ("amqp://u:p@a/v,amqps://u:p@b/v", "address 2 of 2 has another scheme"),
        ("amqp://u:p@a/v,amqp://w:p@b/v", "address 2 of 2 has another user"),
        ("amqp://u:p@a/v,amqp://u:q@b/v", "address 2 of 2 has another password"),
        ("amqp://u:p@a/v,amqp://u:p@b/w", "address 2 of 2 has another virtual host"),
        ("amqp://u:p@a:5672/v,amqp://u:p@a/v", "address 2 of 2 repeats a:5672"),
        ("amqp://u:p@a/v,,amqp://u:p@b/v", "address 2 of 3 is empty"),
        ("amqp://u:p@a/v,http://b", "address 2 of 2: scheme must be amqp:// or amqps://"),
    ])
    func aListThatIsNotOneBrokerIsRefused(url: String, expected: String) {
        do {
            _ = try AMQPConfiguration(url: url)
            Issue.record("accepted \(url)")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(!error.message.contains(":p@") && !error.message.contains(":q@"), "no password in \(error.message)")
        }
    }

    @Test func theOrderKeyIsReadAndChecked() throws {
        func reader(_ values: [AbsoluteConfigKey: ConfigValue]) -> ConfigReader {
            ConfigReader(provider: InMemoryProvider(values: values)).scoped(to: "amqp")
        }
        let url: ConfigValue = "amqp://u:p@a/,amqp://u:p@b/"
        #expect(try AMQPConfiguration(configReader: reader(["amqp.url": url])).addressOrder == .shuffled)
        let ordered = try AMQPConfiguration(configReader: reader(["amqp.url": url, "amqp.address_order": "in_order"]))
        #expect(ordered.addressOrder == .inOrder && ordered.addresses.count == 2)
        do {
            _ = try AMQPConfiguration(configReader: reader(["amqp.url": url, "amqp.address_order": "random"]))
            Issue.record("accepted address_order random")
        } catch {
            #expect(error.message == "amqp.address_order: must be one of in_order, shuffled", "\(error.message)")
        }
    }

    @Test func theRotationStaysInOrderOrStartsWhereItWasToldAndGoesRound() {
        let nodes = (1...3).map { AMQPAddress(host: "n\($0)", port: 5672) }
        var inOrder = AddressRotation(addresses: nodes, order: .inOrder, startIndex: 2)
        #expect(inOrder.current == nodes[0], "in order always starts at the first")
        inOrder.advance()
        inOrder.advance()
        #expect(inOrder.current == nodes[2])
        inOrder.advance()
        #expect(inOrder.current == nodes[0])
        var shuffled = AddressRotation(addresses: nodes, order: .shuffled, startIndex: 4)
        #expect(shuffled.current == nodes[1])
        shuffled.advance()
        #expect(shuffled.current == nodes[2])
        var single = AddressRotation(addresses: [nodes[0]], order: .shuffled, startIndex: 7)
        single.advance()
        #expect(single.current == nodes[0])
    }

    @Test func theFirstConnectTriesEveryAddressBeforeItFails() {
        var machine = ConnectionStateMachine(initialDelay: .milliseconds(100), maxDelay: .seconds(2), addressCount: 3)
        let refused = AMQPError(code: .connectionFailed, message: "refused")
        #expect(machine.startRequested() == .connect)
        #expect(machine.connectFailed(refused, now: t0, jitter: 0) == .connect)
        #expect(machine.connectFailed(refused, now: t0, jitter: 0) == .connect)
        #expect(machine.connectFailed(refused, now: t0, jitter: 0) == .failStart(refused))
        var second = ConnectionStateMachine(initialDelay: .milliseconds(100), maxDelay: .seconds(2), addressCount: 3)
        _ = second.startRequested()
        _ = second.connectFailed(refused, now: t0, jitter: 0)
        #expect(second.connectSucceeded() == .reportConnected(initial: true), "the second node answered")
    }

    @Test func theBackoffGrowsOncePerRoundOverTheAddresses() {
        var machine = ConnectionStateMachine(initialDelay: .milliseconds(100), maxDelay: .seconds(2), addressCount: 3)
        let lost = AMQPError(code: .connectionLost, message: "node stopped")
        _ = machine.startRequested()
        _ = machine.connectSucceeded()
        #expect(machine.connectionLost(lost, now: t0, jitter: 0) == .reconnect(at: t0 + .milliseconds(100), after: lost))
        var now = t0 + .milliseconds(100)
        var delays: [Duration] = []
        for _ in 0..<7 {
            #expect(machine.tick(now: now) == .connect)
            guard case .reconnect(let at, _) = machine.connectFailed(lost, now: now, jitter: 0) else {
                Issue.record("no reconnect")
                return
            }
            delays.append(at - now)
            now = at
        }
        // Attempts 2 and 3 finish the first round (the other two nodes) at the first delay; then one doubling per
        // round of three.
        #expect(delays.map { $0 / .milliseconds(1) } == [100, 100, 200, 200, 200, 400, 400])
    }
}
