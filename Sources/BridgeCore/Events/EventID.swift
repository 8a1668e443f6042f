import struct Foundation.UUID

/// Fresh event ids (the AMQP `message_id` of every published event, DESIGN §1.1).
enum EventID {
    /// A random UUID in canonical upper-case form.
    static func make() -> String { UUID().uuidString }
}
