public import SMPP
public import SMPPNIO

extension SMPPClient: SegmentSubmitter {
    /// Submits through the client's pool of sessions; errors become the failure case.
    public func submit(_ pdu: SubmitSM, tag: UInt64) async -> Result<SubmitOutcome, SMPPClientError> {
        do {
            return .success(try await submit(pdu, tag: tag))
        } catch {
            return .failure(error)
        }
    }
}
