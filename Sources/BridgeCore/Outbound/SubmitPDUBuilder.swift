import struct Foundation.Date
import NIOConcurrencyHelpers
import SMPP

/// Turns a validated request into its submit_sm PDUs (DESIGN §3 step 4): text encoding, segmentation in the
/// requested concatenation mode, addresses, receipt flag, validity, schedule, priority and extra TLVs.
struct SubmitPDUBuilder: Sendable {
    /// The PDUs of one request and what the result reports about them.
    struct Built: Sendable {
        var pdus: [SubmitSM]
        /// `gsm7`, `ucs2`, `latin1`, `ascii` or `binary`.
        var encoding: String
        /// The sender as submitted.
        var from: String
    }

    /// Why a request cannot become PDUs; the field is named in the `rejected` result.
    struct Refusal: Error, Sendable {
        var field: String
        var reason: String
    }

    var settings: OutboundPipelineSettings

    /// `references` is shared by every request; it is locked only to draw a reference for a long message, never
    /// while text is encoded or split.
    func build(_ request: SendRequest, references: NIOLockedValueBox<ConcatenationReferences>) throws(Refusal) -> Built {
        guard let from = request.from ?? settings.sourceAddress, !from.isEmpty else {
            throw Refusal(field: "from", reason: "is required: the request has none and smpp.source.addr is not set")
        }
        let method = request.concat ?? settings.concat
        let segmenter = MessageSegmenter(method: method, gsmPartSize: settings.gsmPartSize)
        let segmented: SegmentedMessage
        let encodingName: String
        switch request.content {
        case .text(let text):
            let encoded: EncodedText
            do {
                encoded = try SMSText.encode(text, as: request.encoding, defaultAlphabet: settings.defaultAlphabet)
            } catch {
                throw Refusal(field: "text", reason: "\(error)")
            }
            encodingName = (encoded.encoding ?? .gsm7).rawValue
            do {
                segmented = try segment(encoded, header: nil, with: segmenter, to: request.to, references: references)
            } catch {
                throw Refusal(field: "text", reason: "\(error)")
            }
        case .binary(let payload, let dataCoding, let udh):
            encodingName = "binary"
            var header: UserDataHeader?
            if let udh, !udh.isEmpty {
                let parsed: (header: UserDataHeader, octets: Int)
                do {
                    parsed = try UserDataHeader.parse(udh)
                } catch {
                    throw Refusal(field: "udh", reason: "\(error)")
                }
                // The segmenter writes the header again from its elements: octets beyond UDHL would vanish.
                guard parsed.octets == udh.count else {
                    throw Refusal(
                        field: "udh",
                        reason: "UDHL \(udh[0]) covers \(parsed.octets) of the \(udh.count) octets given")
                }
                header = parsed.header
            }
            do {
                segmented = try segment(
                    .binary(payload, dataCoding: dataCoding), header: header, with: segmenter, to: request.to,
                    references: references)
            } catch {
                throw Refusal(field: "binary", reason: "\(error)")
            }
            // Packed septets cross octet boundaries, and each part after a UDH needs its own fill bits: octets cut
            // at part boundaries would decode as other characters on the handset. SAR parts without a caller's UDH
            // carry none and are cut at 133 octets (19 × 7: whole septets): they are fine.
            let alphabet = SMSText.alphabet(forDataCoding: dataCoding, defaultAlphabet: settings.defaultAlphabet)
            if segmented.parts.count > 1, alphabet == .gsm7Packed, method != .sar || header != nil {
                throw Refusal(
                    field: "binary",
                    reason: "packed GSM 7-bit (data_coding \(dataCoding) with smpp.default_alphabet gsm7-packed) cannot "
                        + "be split into \(segmented.parts.count) parts by octets: send it as text, or short enough "
                        + "for one part")
            }
        }
        let source = settings.addressPlan.source(from)
        let destination = settings.addressPlan.destination(request.to)
        let validity = request.validity.map { SMPPTime.relative(seconds: $0).string } ?? ""
        let schedule = request.scheduleAt.map {
            SMPPTime.absolute(unixSeconds: Int64($0.timeIntervalSince1970.rounded(.down))).string
        } ?? ""
        let receipt: UInt8 = (request.dlr ?? settings.registeredDelivery) ? 1 : 0
        let pdus = segmented.parts.map { part in
            SubmitSM(
                serviceType: request.serviceType ?? settings.serviceType, source: source, destination: destination,
                esmClass: ESMClass(rawValue: part.esmClassFlags), protocolID: request.protocolID ?? settings.protocolID,
                priorityFlag: request.priority, scheduleDeliveryTime: schedule, validityPeriod: validity,
                registeredDelivery: receipt, dataCoding: part.dataCoding, shortMessage: part.shortMessage,
                tlvs: part.tlvs + request.tlvs)
        }
        return Built(pdus: pdus, encoding: encodingName, from: from)
    }

    /// Splits once; only a message of several parts draws a reference, as
    /// `MessageSegmenter.segment(_:destination:references:header:)` decides (the lock is held only to draw it).
    private func segment(
        _ text: EncodedText, header: UserDataHeader?, with segmenter: MessageSegmenter, to destination: String,
        references: NIOLockedValueBox<ConcatenationReferences>
    ) throws(SegmentationError) -> SegmentedMessage {
        if try segmenter.isSinglePart(text, header: header) {
            return try segmenter.segment(text, reference: 0, header: header)
        }
        let reference = references.withLockedValue {
            $0.next(for: destination, sixteenBit: segmenter.method != .udh8)
        }
        return try segmenter.segment(text, reference: reference, header: header)
    }
}
