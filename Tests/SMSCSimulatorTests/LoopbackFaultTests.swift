import NIOCore
import SMPP
import Testing

@testable import SMSCSimulator

/// Each fault flag, observed on the wire by a raw client.
@Suite(.timeLimit(.minutes(1))) struct LoopbackFaultTests {
    @Test(arguments: [(0.0, 1.0, CommandStatus.throttled), (1.0, 0.0, CommandStatus.messageQueueFull)])
    func throttledAndQueueFull(queueFull: Double, throttle: Double, status: CommandStatus) async throws {
        try await withSimulator({ $0.faults.throttleRate = throttle; $0.faults.queueFullRate = queueFull }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            let seq = try await client.request(testSubmit())
            #expect(try await client.nextPDU() == PDU(.submitSMResp(SubmitSMResp()), sequenceNumber: seq, commandStatus: status))
            #expect(simulator.records().isEmpty)
            await client.close()
        }
    }

    @Test func noResponse() async throws {
        try await withSimulator({ $0.faults.noResponseRate = 1 }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            try await client.request(testSubmit())
            // The enquire_link sent after the submit is answered, and nothing came for the submit before it.
            let link = try await client.request(.enquireLink)
            #expect(try await client.nextPDU() == PDU(.enquireLinkResp, sequenceNumber: link))
            #expect(simulator.counters.submitsUnanswered == 1)
            await client.close()
        }
    }

    /// Taken but never answered: the message is recorded (a second send would be a second copy), no response comes.
    @Test func acceptWithoutResponse() async throws {
        try await withSimulator({ $0.faults.acceptWithoutResponseRate = 1 }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            // No receipt asked: it could come before the enquire_link_resp on a busy machine.
            try await client.request(testSubmit(registeredDelivery: 0))
            let link = try await client.request(.enquireLink)
            #expect(try await client.nextPDU() == PDU(.enquireLinkResp, sequenceNumber: link))
            #expect(simulator.counters.submitsAcceptedUnanswered == 1)
            #expect(simulator.records().count == 1)
            await client.close()
        }
    }

    /// What a real SMSC refuses of a client is counted: a third submit awaiting an answer over a window of 2 (answers
    /// held back by latency), a sequence number reused while its request awaits its answer; an unanswered fault
    /// frees its slot at once.
    @Test func windowOverrunAndReusedSequenceNumbersAreCounted() async throws {
        try await withSimulator({ $0.faults.latency = .fixed(milliseconds: 300); $0.maxOutstandingSubmits = 2 }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            try await client.send(PDU(testSubmit(registeredDelivery: 0), sequenceNumber: 100))
            try await client.send(PDU(testSubmit(registeredDelivery: 0), sequenceNumber: 100))
            try await client.send(PDU(testSubmit(registeredDelivery: 0), sequenceNumber: 101))
            for _ in 0..<3 { _ = try await client.nextPDU() }
            #expect(simulator.counters.sequenceNumbersReused == 1)
            #expect(simulator.counters.windowOverruns == 0, "two sequence numbers awaited an answer")
            for number in UInt32(200)...202 {
                try await client.send(PDU(testSubmit(registeredDelivery: 0), sequenceNumber: number))
            }
            for _ in 0..<3 { _ = try await client.nextPDU() }
            #expect(simulator.counters.windowOverruns == 1)
            await client.close()
        }
        try await withSimulator({ $0.faults.noResponseRate = 1; $0.maxOutstandingSubmits = 1 }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            for number in UInt32(1)...3 {
                try await client.send(PDU(testSubmit(registeredDelivery: 0), sequenceNumber: number))
            }
            let link = try await client.request(.enquireLink)
            #expect(try await client.nextPDU() == PDU(.enquireLinkResp, sequenceNumber: link))
            #expect(simulator.counters.windowOverruns == 0)
            await client.close()
        }
    }

    @Test func genericNack() async throws {
        try await withSimulator({ $0.faults.genericNackRate = 1 }) { _, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            let seq = try await client.request(testSubmit())
            #expect(try await client.nextPDU() == PDU(.genericNack, sequenceNumber: seq, commandStatus: .systemError))
            await client.close()
        }
    }

    @Test func malformedResponse() async throws {
        try await withSimulator({ $0.faults.malformedRate = 1 }) { _, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            let seq = try await client.request(testSubmit())
            guard case .undecodable(let bytes) = try await client.next() else {
                Issue.record("expected a malformed frame")
                return
            }
            #expect(Array(bytes[4..<8]) == [0x80, 0, 0, 0x04])
            #expect(Array(bytes[12..<16]) == [0, 0, 0, UInt8(seq)])
            await client.close()
        }
    }

    @Test func dropAfterN() async throws {
        try await withSimulator({ $0.faults.dropAfterPDUs = 2 }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            try await client.request(testSubmit())
            #expect(try await client.nextPDU().submitMessageID != nil)
            try await client.request(testSubmit())
            try await client.expectClosed()
            #expect(simulator.counters.connectionsDropped == 1)
            #expect(simulator.records().count == 1)
        }
    }

    @Test func dropAtRandom() async throws {
        try await withSimulator({ $0.faults.dropRate = 1 }) { _, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            try await client.request(.enquireLink)
            try await client.expectClosed()
        }
    }

    @Test func ignoreEnquireLink() async throws {
        try await withSimulator({ $0.faults.ignoreEnquireLink = true }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            try await client.request(.enquireLink)
            let seq = try await client.request(testSubmit(registeredDelivery: 0))
            let next = try await client.nextPDU()
            #expect(next.sequenceNumber == seq && next.submitMessageID != nil)
            #expect(simulator.counters.enquireLinksIgnored == 1)
            await client.close()
        }
    }

    @Test func sendsUnbind() async throws {
        try await withSimulator({ $0.faults.sendUnbindAfterMilliseconds = 50 }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            let unbind = try await client.nextPDU()
            #expect(unbind.body == .unbind)
            try await client.send(PDU(.unbindResp, sequenceNumber: unbind.sequenceNumber))
            try await client.expectClosed()
            #expect(simulator.counters.unbindsSent == 1)
        }
    }

    @Test func responseLatency() async throws {
        try await withSimulator({ $0.faults.latency = .fixed(milliseconds: 150) }) { _, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            let clock = ContinuousClock()
            let started = clock.now
            try await client.request(testSubmit(registeredDelivery: 0))
            #expect(try await client.nextPDU().submitMessageID != nil)
            #expect(clock.now - started >= .milliseconds(150))
            await client.close()
        }
    }
}

@Suite(.timeLimit(.minutes(1))) struct LoopbackKeepAliveTests {
    @Test func simulatorSendsEnquireLinkAndCountsAnswers() async throws {
        try await withSimulator({ $0.enquireLinkIntervalMilliseconds = 30 }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind(.transmitter)
            let link = try await client.nextPDU()
            #expect(link.body == .enquireLink)
            try await client.send(PDU(.enquireLinkResp, sequenceNumber: link.sequenceNumber))
            #expect(await simulator.waitForCounters { $0.enquireLinkResponsesReceived == 1 })
            await client.close()
        }
    }
}
