/// The body of query_sm (reference §3): which message, and the source address used to submit it.
public struct QuerySM: Hashable, Sendable {
    /// message_id, C(65): the id from submit_sm_resp.
    public var messageID: String
    /// source_addr_ton, source_addr_npi and source_addr, C(21): as in the original submit.
    public var source: Address

    /// Creates a query_sm body.
    public init(messageID: String, source: Address = Address()) {
        self.messageID = messageID
        self.source = source
    }

    static func decode(from reader: inout BodyReader) throws(SMPPDecodeError) -> QuerySM {
        let messageID = try reader.readCString("message_id", max: 65)
        let source = try reader.readAddress("source_addr", max: 21)
        try reader.expectEnd()
        return QuerySM(messageID: messageID, source: source)
    }

    func encode(into buffer: inout WireWriter) throws(SMPPEncodeError) {
        try buffer.writeCString(messageID, field: "message_id", max: 65)
        try buffer.writeAddress(source, field: "source_addr", max: 21)
    }
}

/// The body of query_sm_resp (reference §3).
public struct QuerySMResp: Hashable, Sendable {
    /// message_id, C(65).
    public var messageID: String
    /// final_date, C(1 or 17): empty until the message reaches a final state.
    public var finalDate: String
    /// message_state (see ``MessageState``).
    public var messageState: UInt8
    /// error_code: network-specific.
    public var errorCode: UInt8

    /// Creates a query_sm_resp body.
    public init(messageID: String = "", finalDate: String = "", messageState: UInt8 = 0, errorCode: UInt8 = 0) {
        self.messageID = messageID
        self.finalDate = finalDate
        self.messageState = messageState
        self.errorCode = errorCode
    }

    var isEmpty: Bool { messageID.isEmpty && finalDate.isEmpty && messageState == 0 && errorCode == 0 }

    static func decode(from reader: inout BodyReader) throws(SMPPDecodeError) -> QuerySMResp {
        if reader.isAtEnd { return QuerySMResp() }
        let messageID = try reader.readCString("message_id", max: 65)
        let finalDate = try reader.readCString("final_date", max: 17)
        let state = try reader.readU8("message_state")
        let errorCode = try reader.readU8("error_code")
        try reader.expectEnd()
        return QuerySMResp(messageID: messageID, finalDate: finalDate, messageState: state, errorCode: errorCode)
    }

    func encode(into buffer: inout WireWriter) throws(SMPPEncodeError) {
        try buffer.writeCString(messageID, field: "message_id", max: 65)
        try buffer.writeTime(finalDate, field: "final_date")
        buffer.writeInteger(messageState)
        buffer.writeInteger(errorCode)
    }
}
