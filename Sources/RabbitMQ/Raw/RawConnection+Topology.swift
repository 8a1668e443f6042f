import CRabbitMQ

extension RawConnection {
    /// Declares (or, passively, checks) exchanges and queues, then binds; all on `channel`.
    func declare(_ topology: AMQPTopology, channel: UInt16) throws(AMQPError) {
        for exchange in topology.exchanges { try declare(exchange, passive: topology.passive, channel: channel) }
        for queue in topology.queues { _ = try declare(queue, passive: topology.passive, channel: channel) }
        guard !topology.passive else { return }
        for binding in topology.bindings {
            try checkShortStrings(
                [(binding.queue, "queue name"), (binding.exchange, "exchange name"), (binding.routingKey, "routing key")])
            let arena = RawArena()
            _ = amqp_queue_bind(
                state, channel, arena.bytes(binding.queue), arena.bytes(binding.exchange),
                arena.bytes(binding.routingKey), arena.table(binding.arguments))
            try check(
                amqp_get_rpc_reply(state), channel: channel,
                "binding queue \(binding.queue) to \(binding.exchange) with \(binding.routingKey)")
        }
    }

    func declare(_ exchange: AMQPExchange, passive: Bool, channel: UInt16) throws(AMQPError) {
        try checkShortStrings([(exchange.name, "exchange name")])
        let arena = RawArena()
        _ = amqp_exchange_declare(
            state, channel, arena.bytes(exchange.name), arena.bytes(exchange.type.rawValue), passive ? 1 : 0,
            exchange.durable ? 1 : 0, exchange.autoDelete ? 1 : 0, 0, arena.table(exchange.arguments))
        try check(amqp_get_rpc_reply(state), channel: channel, "declaring exchange \(exchange.name)")
    }

    func declare(_ queue: AMQPQueue, passive: Bool, channel: UInt16) throws(AMQPError) -> AMQPQueueInfo {
        try checkShortStrings([(queue.name, "queue name")])
        let arena = RawArena()
        let ok = amqp_queue_declare(
            state, channel, arena.bytes(queue.name), passive ? 1 : 0, queue.durable ? 1 : 0, queue.exclusive ? 1 : 0,
            queue.autoDelete ? 1 : 0, passive ? amqp_table_t(num_entries: 0, entries: nil) : arena.table(queue.declareArguments))
        try check(amqp_get_rpc_reply(state), channel: channel, "declaring queue \(queue.name)")
        guard let ok else { throw AMQPError(code: .operationFailed, message: "queue.declare-ok missing") }
        return AMQPQueueInfo(
            name: rawString(ok.pointee.queue), messageCount: ok.pointee.message_count,
            consumerCount: ok.pointee.consumer_count)
    }

    /// Deletes a queue; returns how many messages it held.
    func deleteQueue(_ name: String, channel: UInt16) throws(AMQPError) -> UInt32 {
        try checkShortStrings([(name, "queue name")])
        let arena = RawArena()
        let ok = amqp_queue_delete(state, channel, arena.bytes(name), 0, 0)
        try check(amqp_get_rpc_reply(state), channel: channel, "deleting queue \(name)")
        return ok?.pointee.message_count ?? 0
    }

    /// Removes every ready message from a queue; returns how many.
    func purgeQueue(_ name: String, channel: UInt16) throws(AMQPError) -> UInt32 {
        try checkShortStrings([(name, "queue name")])
        let arena = RawArena()
        let ok = amqp_queue_purge(state, channel, arena.bytes(name))
        try check(amqp_get_rpc_reply(state), channel: channel, "purging queue \(name)")
        return ok?.pointee.message_count ?? 0
    }

    /// Deletes an exchange.
    func deleteExchange(_ name: String, channel: UInt16) throws(AMQPError) {
        try checkShortStrings([(name, "exchange name")])
        let arena = RawArena()
        _ = amqp_exchange_delete(state, channel, arena.bytes(name), 0)
        try check(amqp_get_rpc_reply(state), channel: channel, "deleting exchange \(name)")
    }

    /// Puts the channel into publisher-confirm mode.
    func confirmSelect(channel: UInt16) throws(AMQPError) {
        _ = amqp_confirm_select(state, channel)
        try check(amqp_get_rpc_reply(state), channel: channel, "confirm.select")
    }

    /// Sets the prefetch count (prefetch_size must be 0 on RabbitMQ, reference §4).
    func qos(prefetch: UInt16, channel: UInt16) throws(AMQPError) {
        _ = amqp_basic_qos(state, channel, 0, prefetch, 0)
        try check(amqp_get_rpc_reply(state), channel: channel, "basic.qos")
    }

    /// Starts consuming with manual acknowledgements; returns the server-chosen consumer tag.
    func consume(queue: String, channel: UInt16) throws(AMQPError) -> String {
        try checkShortStrings([(queue, "queue name")])
        let arena = RawArena()
        let ok = amqp_basic_consume(
            state, channel, arena.bytes(queue), amqp_bytes_t(len: 0, bytes: nil), 0, 0, 0,
            amqp_table_t(num_entries: 0, entries: nil))
        try check(amqp_get_rpc_reply(state), channel: channel, "consuming from \(queue)")
        guard let ok else { throw AMQPError(code: .operationFailed, message: "basic.consume-ok missing") }
        return rawString(ok.pointee.consumer_tag)
    }
}

extension RawConnection {
    /// basic.cancel: the broker stops delivering to the consumer; the channel stays open for acks.
    func cancel(consumerTag: String, channel: UInt16) throws(AMQPError) {
        let arena = RawArena()
        _ = amqp_basic_cancel(state, channel, arena.bytes(consumerTag))
        try check(amqp_get_rpc_reply(state), channel: channel, "cancelling consumer \(consumerTag)")
    }
}

/// Names travel as AMQP short strings (at most 255 octets). librabbitmq fails to encode a longer one only after
/// the call has started, which breaks the connection; refusing it first keeps the connection and says why.
private func checkShortStrings(_ values: [(value: String, what: String)]) throws(AMQPError) {
    for (value, what) in values where value.utf8.count > 255 {
        throw AMQPError(
            code: .invalidConfiguration, message: "amqp \(what) is longer than 255 octets (\(value.utf8.count))")
    }
}
