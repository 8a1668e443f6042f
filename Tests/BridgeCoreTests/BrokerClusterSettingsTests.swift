import BridgeCore
import Foundation
import RabbitMQ
import Testing

/// `amqp.url` with several nodes: the queue type that follows from it and what the bridge declares.
@Suite struct BrokerClusterSettingsTests {
    static let cluster = "amqp://u:p@rmq-1:5672/,amqp://u:p@rmq-2:5672/,amqp://u:p@rmq-3:5672/"

    @Test func severalAddressesMakeTheQueuesQuorumUnlessConfiguredOtherwise() async throws {
        let clustered = try await ConfigFixture.load(
            environment: ConfigFixture.required.merging(["amqp.url": Self.cluster]) { $1 })
        #expect(clustered.amqp.addresses.map(\.host) == ["rmq-1", "rmq-2", "rmq-3"])
        #expect(clustered.broker.queueType == "quorum")
        #expect(clustered.effectiveLines().contains("amqp.queue_type = quorum"))
        let classic = try await ConfigFixture.load(
            environment: ConfigFixture.required.merging(["amqp.url": Self.cluster, "amqp.queue_type": "classic"]) { $1 })
        #expect(classic.broker.queueType == "classic")
        let single = try await ConfigFixture.load(environment: ConfigFixture.required)
        #expect(single.broker.queueType == "classic")
    }

    @Test func aQuorumTopologyCarriesTheDeliveryLimitAndSafeDeadLettering() throws {
        var broker = BrokerSettings()
        broker.queueType = "quorum"
        broker.deliveryLimit = 7
        let topology = broker.topology
        let requests = try #require(topology.queues.first { $0.name == "smpp.outbound" })
        let dead = try #require(topology.queues.first { $0.name == "smpp.dead" })
        #expect(requests.type == .quorum && dead.type == .quorum)
        #expect(requests.deadLetterExchange == "smpp.dead")
        #expect(requests.arguments["x-delivery-limit"] == .int64(7))
        #expect(requests.arguments["x-dead-letter-strategy"] == .string("at-least-once"))
        #expect(requests.arguments["x-overflow"] == .string("reject-publish"))
        broker.deliveryLimit = 0
        #expect(broker.topology.queues[0].arguments["x-delivery-limit"] == nil, "0 = no limit")
        broker.queueType = "classic"
        broker.deliveryLimit = 7
        #expect(broker.topology.queues.allSatisfy { $0.type == .classic && $0.arguments.isEmpty })
    }
}
