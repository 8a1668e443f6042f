import Testing

/// Every test that talks to the private RabbitMQ. Serialized, because one of them restarts the broker.
@Suite(.serialized, .enabled(if: TestBroker.available, TestBroker.skipReason))
struct BrokerTests {}
