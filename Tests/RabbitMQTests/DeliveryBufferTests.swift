import Testing

@testable import RabbitMQ

@Suite struct DeliveryBufferTests {
    func delivery(_ tag: UInt64) -> AMQPDelivery { AMQPDelivery(body: [UInt8(tag)], deliveryTag: tag) }

    @Test func inOrderAndRoomSignalledWhenDroppingBelowTheHighWaterMark() async {
        let rooms = Locked(0)
        let buffer = DeliveryBuffer(highWater: 3) { rooms.withLock { $0 += 1 } }
        for tag: UInt64 in 1...3 { buffer.push(delivery(tag)) }
        #expect(buffer.count == 3)  // full: the thread stops reading frames
        #expect(await buffer.next()?.deliveryTag == 1)
        #expect(rooms.withLock { $0 } == 1)  // 3 → 2: wake the thread
        #expect(await buffer.next()?.deliveryTag == 2)
        #expect(await buffer.next()?.deliveryTag == 3)
        #expect(rooms.withLock { $0 } == 1)
    }

    @Test func aWaitingReaderGetsThePushDirectly() async {
        let buffer = DeliveryBuffer(highWater: 2) {}
        async let next = buffer.next()
        // The reader may or may not be waiting yet; either way it gets the delivery.
        buffer.push(delivery(7))
        #expect(await next?.deliveryTag == 7)
        #expect(buffer.count == 0)
    }

    /// Issue 11 item 7: after close nothing more is handed out — buffered deliveries could not be acknowledged any
    /// more (the broker redelivers them), and deliveries pushed later are dropped too.
    @Test func finishDropsBufferedDeliveriesAndEndsReaders() async {
        let buffer = DeliveryBuffer(highWater: 2) {}
        buffer.push(delivery(1))
        buffer.finish()
        #expect(await buffer.next() == nil)
        buffer.push(delivery(2))
        #expect(buffer.count == 0)
        #expect(await buffer.next() == nil)
    }

    @Test func removeAllDropsDeliveriesOfALostConnection() async {
        let buffer = DeliveryBuffer(highWater: 5) {}
        for tag: UInt64 in 1...4 { buffer.push(delivery(tag)) }
        buffer.removeAll()
        #expect(buffer.count == 0)
        buffer.push(delivery(9))
        #expect(await buffer.next()?.deliveryTag == 9)
    }

    @Test func cancellingAWaitingReaderReturnsNil() async {
        let buffer = DeliveryBuffer(highWater: 2) {}
        let reader = Task { await buffer.next() }
        reader.cancel()
        #expect(await reader.value == nil)
        buffer.push(delivery(1))
        #expect(buffer.count == 1, "the cancelled reader did not take it")
    }

    /// A cancelled reader gets nil even while deliveries are buffered: at shutdown the bridge cancels its reader and
    /// must not start the up to `prefetch` deliveries still in the buffer (they stay unacknowledged and return to the
    /// queue when the consumer closes).
    @Test func aCancelledReaderGetsNothingBuffered() async {
        let buffer = DeliveryBuffer(highWater: 4) {}
        for tag: UInt64 in 1...3 { buffer.push(delivery(tag)) }
        let reader = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await buffer.next()
        }
        #expect(await reader.value == nil)
        #expect(buffer.count == 3, "the cancelled reader took a buffered delivery")
        #expect(await buffer.next()?.deliveryTag == 1)
    }
}
