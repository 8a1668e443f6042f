import BridgeCore
import Foundation
import SMPP
import SMSCSimulator
import Testing

extension BridgeEndToEndTests {
    /// Long MO in UDH-8, UDH-16 and SAR, GSM 7-bit and UCS2, parts arriving reversed or shuffled: each published
    /// once, complete, with its text; one with a part missing is published `complete: false` after
    /// smpp.mo_reassembly_timeout with the parts it has.
    @Test func longMOOutOfOrderIsPublishedOnceCompleteAndAMissingPartAfterTheTimeout() async throws {
        let harness = try await BridgeHarness.start(bridge: { bridge in
            bridge.outbound.moReassemblyTimeout = .seconds(1)
        })
        let gsm = String(repeating: "Mañana {ÆØÅ} 10€ [oferta] ~ ", count: 14)  // GSM with extension characters
        let ucs2 = String(repeating: "Привет, мир 😀 ", count: 14)  // UCS2 with surrogate pairs
        var expected: [String: (text: String, parts: Int)] = [:]  // from → text
        var injected = 0
        var reference: UInt16 = 0x1F0
        for method in [ConcatenationMethod.udh8, .udh16, .sar] {
            for (alphabet, text) in [(TextEncoding.gsm7, gsm), (.ucs2, ucs2)] {
                reference += 1
                let from = "5737\(expected.count)"
                let parts = try longMOParts(text, as: alphabet, method: method, reference: reference, from: from)
                #expect(parts.count >= 3, "\(method) \(alphabet)")
                // Reversed for GSM, a fixed shuffle (never the natural order) for UCS2.
                let order = alphabet == .gsm7 ? Array(parts.indices.reversed()) : shuffled(parts.indices)
                for index in order { harness.simulator.injectMO(parts[index]) }
                injected += parts.count
                expected[from] = (text, parts.count)
            }
        }
        // One whose middle part never comes.
        let partial = try longMOParts(gsm, as: .gsm7, method: .udh8, reference: 0x77, from: "573799")
        for part in [partial[2], partial[0]] + partial.dropFirst(3) { harness.simulator.injectMO(part) }
        injected += partial.count - 1
        let expectedPartial = try partialText(gsm, parts: partial.count, missing: 1)

        let events = try await harness.collect(timeout: .seconds(60)) { events in
            events.filter { $0.type == "mo" }.count >= expected.count + 1
                && harness.simulator.counters.deliveriesAcknowledged >= UInt64(injected)
        }
        let mo = events.filter { $0.type == "mo" }
        #expect(mo.count == expected.count + 1, "\(mo.map(\.json))")
        // The senders are international (TON 1): published as a request's `to` is written, with `+`.
        let byFrom = Dictionary(grouping: mo, by: { ($0.json["from"] as? String ?? "").replacing("+", with: "") })
        #expect(mo.allSatisfy { ($0.json["from"] as? String)?.hasPrefix("+") == true })
        for (from, message) in expected {
            let copies = byFrom[from] ?? []
            #expect(copies.count == 1, "\(from): \(copies.count) events")
            guard let event = copies.first else { continue }
            #expect(event.json["complete"] as? Bool == true, "\(from)")
            #expect(event.json["segments"] as? Int == message.parts, "\(from)")
            #expect(event.json["text"] as? String == message.text, "\(from): \(event.json["text"] ?? "nil")")
        }
        let incomplete = byFrom["573799"] ?? []
        #expect(incomplete.count == 1)
        #expect(incomplete.first?.json["complete"] as? Bool == false)
        #expect(incomplete.first?.json["segments"] as? Int == partial.count)
        #expect(incomplete.first?.json["text"] as? String == expectedPartial)
        let counters = harness.simulator.counters
        #expect(counters.deliveriesAcknowledged == UInt64(injected))
        #expect(counters.deliveriesDropped == 0)
        try await harness.stop()
    }

    /// A Turkish handset's long MO: GSM 7-bit under the Turkish single shift table (UDH element 0x24), parts
    /// arriving reversed over TLS, stored part by part (SQLite): published once, with its Turkish letters.
    @Test func longMOWithANationalLanguageTableIsReadWithIt() async throws {
        let harness = try await BridgeHarness.start()
        let text = String(repeating: "Güneşli günler, ığdır Şişli! ", count: 3)
        let septets = try turkishSingleShiftSeptets(text)
        let chunks = stride(from: 0, to: septets.count, by: 40).map { Array(septets[$0..<min($0 + 40, septets.count)]) }
        #expect(chunks.count >= 3)
        for (offset, chunk) in chunks.enumerated().reversed() {
            let udh: [UInt8] = [0x08, 0x00, 0x03, 0x3C, UInt8(chunks.count), UInt8(offset + 1), 0x24, 0x01, 0x01]
            harness.simulator.injectMO(DeliverSM(
                source: Address(ton: TypeOfNumber.international, npi: NumberingPlan.isdn, address: "905321234567"),
                destination: Address(ton: TypeOfNumber.networkSpecific, npi: NumberingPlan.unknown, address: "12345"),
                esmClass: .udhIndicator, dataCoding: 0, shortMessage: udh + chunk))
        }
        let events = try await harness.collect(timeout: .seconds(60)) { events in
            events.contains { $0.type == "mo" }
                && harness.simulator.counters.deliveriesAcknowledged >= UInt64(chunks.count)
        }
        let mo = events.filter { $0.type == "mo" }
        #expect(mo.count == 1)
        #expect(mo.first?.json["text"] as? String == text, "\(mo.first?.json["text"] ?? "nil")")
        #expect(mo.first?.json["complete"] as? Bool == true && mo.first?.json["segments"] as? Int == chunks.count)
        try await harness.stop()
    }
}

/// `text` as unpacked septets with the Turkish single shift table (language 1) for what the default alphabet lacks.
private func turkishSingleShiftSeptets(_ text: String) throws -> [UInt8] {
    let singleShift = try #require(GSMNationalLanguageTables.singleShift(1))
    var septets = [UInt8]()
    for scalar in text.unicodeScalars {
        if let (first, second) = GSM0338.septets(for: scalar), second == nil {
            septets.append(first)
        } else {
            let entry = try #require(singleShift.first { $0.value == UInt16(scalar.value) }, "\(scalar)")
            septets += [GSM0338.escape, entry.key]
        }
    }
    return septets
}

/// The deliver_sm parts of `text` split as the SMPP module splits a submit (UDH or SAR TLVs), from `from` to 12345.
private func longMOParts(
    _ text: String, as encoding: TextEncoding, method: ConcatenationMethod, reference: UInt16, from: String
) throws -> [DeliverSM] {
    let encoded = try SMSText.encode(text, as: encoding)
    let message = try MessageSegmenter(method: method).segment(encoded, reference: reference)
    return message.parts.map { part in
        DeliverSM(
            source: Address(ton: TypeOfNumber.international, npi: NumberingPlan.isdn, address: from),
            destination: Address(ton: TypeOfNumber.networkSpecific, npi: NumberingPlan.unknown, address: "12345"),
            esmClass: ESMClass(rawValue: part.esmClassFlags), dataCoding: part.dataCoding,
            shortMessage: part.shortMessage, tlvs: part.tlvs)
    }
}

/// The text of a GSM UDH-8 long message without part `missing` (0-based): the other parts' payloads joined.
private func partialText(_ text: String, parts: Int, missing: Int) throws -> String {
    let encoded = try SMSText.encode(text, as: .gsm7)
    let message = try MessageSegmenter(method: .udh8).segment(encoded, reference: 0x77)
    #expect(message.parts.count == parts)
    let kept = message.parts.enumerated().filter { $0.offset != missing }.flatMap { $0.element.shortMessage.dropFirst($0.element.udh?.count ?? 0) }
    return SMSText.decode(kept, dataCoding: 0).text
}

/// A fixed permutation that is neither the natural nor the reversed order: odd positions first, then even ones.
private func shuffled(_ indices: Range<Int>) -> [Int] {
    indices.filter { $0 % 2 == 1 } + indices.filter { $0 % 2 == 0 }
}
