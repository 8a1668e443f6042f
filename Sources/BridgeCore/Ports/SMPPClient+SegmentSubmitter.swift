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

    /// Submits through the pool; `observe` runs on the session's event loop as the response is read.
    public func submit(
        _ pdu: SubmitSM, tag: UInt64, observe: @escaping @Sendable (Result<SubmitOutcome, SMPPClientError>) -> Void
    ) async -> Result<SubmitOutcome, SMPPClientError> {
        do {
            return .success(try await submit(pdu, tag: tag, observe: observe))
        } catch {
            return .failure(error)
        }
    }

    /// Submits through the pool without a task; `completion` runs on the session's event loop as the response is
    /// read.
    public func startSubmit(
        _ pdu: SubmitSM, tag: UInt64, completion: @escaping @Sendable (Result<SubmitOutcome, SMPPClientError>) -> Void
    ) -> @Sendable () -> Void {
        let withdrawal = submit(pdu, tag: tag, completion: completion)
        return { withdrawal.withdraw() }
    }
}
