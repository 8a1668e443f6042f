/// Every logging metadata key SMPPNIO uses, in one place, so dashboards and log queries can rely on them.
public enum SMPPLogKey {
    /// SMSC host.
    public static let host = "smpp.host"
    /// SMSC port.
    public static let port = "smpp.port"
    /// The account's system_id (never the password).
    public static let systemID = "smpp.system_id"
    /// tx, rx or trx.
    public static let bindType = "smpp.bind_type"
    /// The session slot index, 0-based.
    public static let session = "smpp.session"
    /// command_status as a number.
    public static let commandStatus = "smpp.command_status"
    /// command_status name, e.g. ESME_RTHROTTLED.
    public static let statusName = "smpp.status_name"
    /// sequence_number.
    public static let sequenceNumber = "smpp.sequence_number"
    /// message_id from submit_sm_resp / data_sm_resp.
    public static let messageID = "smpp.message_id"
    /// Response latency in milliseconds.
    public static let latencyMilliseconds = "smpp.latency_ms"
    /// Why a session ended.
    public static let reason = "smpp.reason"
    /// Reconnect delay in milliseconds.
    public static let delayMilliseconds = "smpp.delay_ms"
    /// Reconnect attempt count.
    public static let attempt = "smpp.attempt"
    /// A PDU as text (trace level; passwords masked).
    public static let pdu = "smpp.pdu"
    /// command_id name.
    public static let command = "smpp.command"
    /// The effective window after a throttle answer.
    public static let window = "smpp.window"
    /// An error's description.
    public static let error = "smpp.error"
    /// The submitter's tag of a submit (the bridge logs it with the request id and segment it stands for).
    public static let submitTag = "smpp.submit_tag"
}
