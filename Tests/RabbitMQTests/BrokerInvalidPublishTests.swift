import Testing

@testable import RabbitMQ

@Suite struct PublishEncodingCheckTests {
    let fits = AMQPProperties()

    @Test func namesAndShortStringPropertiesAreLimitedTo255Octets() {
        let long = String(repeating: "k", count: 256)
        let limit = String(repeating: "k", count: 255)
        #expect(publishEncodingProblem(exchange: "", routingKey: limit, properties: fits, frameMax: 131_072) == nil)
        #expect(publishEncodingProblem(exchange: "", routingKey: long, properties: fits, frameMax: 131_072) != nil)
        #expect(publishEncodingProblem(exchange: long, routingKey: "q", properties: fits, frameMax: 131_072) != nil)
        var properties = AMQPProperties()
        properties.messageID = long
        #expect(publishEncodingProblem(exchange: "", routingKey: "q", properties: properties, frameMax: 131_072) != nil)
        properties.messageID = limit
        #expect(publishEncodingProblem(exchange: "", routingKey: "q", properties: properties, frameMax: 131_072) == nil)
        properties.headers = [long: "v"]
        #expect(publishEncodingProblem(exchange: "", routingKey: "q", properties: properties, frameMax: 131_072) != nil)
        properties.headers = ["nested": .array([.table([long: 1])])]
        #expect(publishEncodingProblem(exchange: "", routingKey: "q", properties: properties, frameMax: 131_072) != nil)
    }

    @Test func headersMustFitOneFrame() {
        var properties = AMQPProperties()
        // 14 fixed + 1 delivery mode + table (4 + 1 + 1 + 5 + n) must stay within 4096 - 8.
        properties.headers = ["h": .string(String(repeating: "x", count: 4096 - 8 - 14 - 1 - 11))]
        #expect(publishEncodingProblem(exchange: "", routingKey: "q", properties: properties, frameMax: 4096) == nil)
        properties.headers = ["h": .string(String(repeating: "x", count: 4096 - 8 - 14 - 1 - 10))]
        #expect(publishEncodingProblem(exchange: "", routingKey: "q", properties: properties, frameMax: 4096) != nil)
    }
}

extension BrokerTests {
    @Suite(.timeLimit(.minutes(1))) struct InvalidPublishes {
        /// An unencodable publish fails alone, as invalidMessage; the connection and the publishes after it are
        /// unaffected (before: the connection was dropped and the publish failed as connectionLost, retryable).
        @Test func anUnencodablePublishFailsAloneWithoutDroppingTheConnection() async throws {
            let publisher = try await TestBroker.publisher()
            let queue = TestBroker.uniqueName("invalid")
            try await publisher.declareQueue(AMQPQueue(name: queue, durable: false))
            var huge = AMQPProperties()
            huge.headers = ["big": .string(String(repeating: "x", count: 200_000))]
            var longID = AMQPProperties()
            longID.messageID = String(repeating: "m", count: 300)
            let attempts: [(String, AMQPProperties)] = [
                (String(repeating: "r", count: 300), AMQPProperties()), (queue, huge), (queue, longID),
            ]
            for (routingKey, properties) in attempts {
                do {
                    try await publisher.publish([1], routingKey: routingKey, properties: properties)
                    Issue.record("an unencodable publish was confirmed")
                } catch let error as AMQPError {
                    #expect(error.code == .invalidMessage, "\(error)")
                }
                #expect(publisher.isConnected)
                try await publisher.publish([2], routingKey: queue)
            }
            #expect(try await publisher.purgeQueue(queue) == 3)
            try await publisher.deleteQueue(queue)
            await publisher.close()
            var disconnections = 0
            for await event in publisher.events where event.isDisconnected { disconnections += 1 }
            #expect(disconnections == 0)
        }
    }
}

extension BrokerTests {
    @Suite(.timeLimit(.minutes(1))) struct InvalidTopology {
        /// A name over 255 octets is refused before anything is sent, as invalidConfiguration; the connection and
        /// its publishes are unaffected (before: the library failed mid-call and the connection was dropped).
        @Test func anOverlongNameIsRefusedWithoutDroppingTheConnection() async throws {
            let publisher = try await TestBroker.publisher()
            let long = String(repeating: "n", count: 300)
            let attempts: [@Sendable () async throws -> Void] = [
                { try await publisher.declareQueue(AMQPQueue(name: long)) },
                { try await publisher.declare(AMQPTopology(exchanges: [AMQPExchange(name: long)])) },
                { try await publisher.purgeQueue(long) },
                { try await publisher.deleteExchange(long) },
            ]
            for attempt in attempts {
                do {
                    try await attempt()
                    Issue.record("an overlong name was accepted")
                } catch let error as AMQPError {
                    #expect(error.code == .invalidConfiguration, "\(error)")
                }
                #expect(publisher.isConnected)
            }
            let queue = TestBroker.uniqueName("names")
            try await publisher.declareQueue(AMQPQueue(name: queue, durable: false))
            try await publisher.publish([1], routingKey: queue)
            try await publisher.deleteQueue(queue)
            await publisher.close()
            var disconnections = 0
            for await event in publisher.events where event.isDisconnected { disconnections += 1 }
            #expect(disconnections == 0)
        }
    }
}
