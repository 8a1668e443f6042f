public import SMPP

/// Builds the deliver_sm that carries one delivery receipt for an accepted message (reference §7): addresses
/// swapped, esm_class 0x04, data_coding 0, the Appendix B text in short_message, and the TLVs
/// receipted_message_id and message_state, plus network_error_code for a failure.
public enum DeliveryReceiptBuilder {
    /// Whether a message with this registered_delivery gets a receipt in `stat`: bits 1–0 = 1 → every receipt;
    /// 2 → only final failures; 0 or 3 → none.
    public static func isRequested(registeredDelivery: UInt8, stat: ReceiptStat) -> Bool {
        switch registeredDelivery & RegisteredDelivery.receiptMask {
        case RegisteredDelivery.onSuccessOrFailure: return true
        case RegisteredDelivery.onFailure: return stat.isFinal && stat != .delivered
        default: return false
        }
    }

    /// The receipt for `record` in state `stat`, with `receiptID` (the record's id in the receipt's base).
    /// Dates are seconds since 1970-01-01 UTC.
    public static func deliverSM(
        for record: SubmitRecord, receiptID: String, stat: ReceiptStat, doneDate: Int64
    ) -> DeliverSM {
        let text = DeliveryReceiptText(
            id: receiptID, submitDate: record.receivedAtMilliseconds / 1000, doneDate: doneDate, stat: stat,
            text: DeliveryReceiptText.excerpt(of: record.payload, dataCoding: record.dataCoding))
        var tlvs: [TLV] = [.receiptedMessageID(receiptID), .messageState(stat.messageState)]
        if let code = stat.gsmErrorCode {
            tlvs.append(.networkErrorCode(NetworkErrorCode(networkType: 3, errorCode: code)))
        }
        return DeliverSM(
            source: Address(ton: record.destinationTON, npi: record.destinationNPI, address: record.destinationAddress),
            destination: Address(ton: record.sourceTON, npi: record.sourceNPI, address: record.sourceAddress),
            esmClass: .deliveryReceipt, dataCoding: 0, shortMessage: Array(text.formatted.utf8), tlvs: tlvs)
    }
}
