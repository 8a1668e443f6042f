import NIOConcurrencyHelpers
import NIOCore
public import SMPP

extension SMPPClient {
    /// Submits one submit_sm and returns the SMSC's answer, whatever its status (ESME_RTHROTTLED included: the
    /// caller decides whether to retry). Waits in the client's one queue until some bound session has window room
    /// and a throughput token (also while none is bound).
    /// - Parameters:
    ///   - submit: the PDU body.
    ///   - tag: the caller's reference (default 0), echoed in a ``LateSubmitOutcome`` on ``lateOutcomes`` if the
    ///     response arrives after this call failed with `.responseTimeout` (or `.sessionLostOutcomeUnknown`).
    /// - Throws: ``SMPPClientError`` with code `.sessionLostOutcomeUnknown` or `.responseTimeout` (the SMSC may
    ///   have it), `.genericNack`, `.encodingFailed` (never sent), `.shuttingDown` or `.notRunning` (never sent),
    ///   `.noTransmitter` (receiver-only configuration), `.cancelled` (the calling task was cancelled before the
    ///   request was sent; once sent, cancellation no longer applies and its outcome is returned).
    public func submit(_ submit: SubmitSM, tag: UInt64 = 0) async throws(SMPPClientError) -> SubmitOutcome {
        try await send(.submitSM(submit), tag: tag, observe: nil)
    }

    /// Submits one submit_sm like ``submit(_:tag:)`` and also hands its result to `observe` the moment it is known:
    /// on the session's event loop as the response is read, before that session reads its next PDU (a delivery
    /// receipt the SMSC sends right after the response, say), and before the caller resumes. `observe` must be quick
    /// and must not block.
    public func submit(
        _ submit: SubmitSM, tag: UInt64 = 0,
        observe: @escaping @Sendable (Result<SubmitOutcome, SMPPClientError>) -> Void
    ) async throws(SMPPClientError) -> SubmitOutcome {
        try await send(.submitSM(submit), tag: tag, observe: observe)
    }

    /// Submits one data_sm, like ``submit(_:tag:)``.
    public func submit(dataSM: DataSM, tag: UInt64 = 0) async throws(SMPPClientError) -> SubmitOutcome {
        try await send(.dataSM(dataSM), tag: tag, observe: nil)
    }

    /// Submits one submit_sm like ``submit(_:tag:observe:)``, without a task: `completion` gets the result on the
    /// session's event loop as the response is read (or on the caller's or another thread when it fails before
    /// a session took it). It must be quick and must not block. Returns what withdraws the submit while no session
    /// has written it (it then completes with `.cancelled`; once written, its real outcome comes).
    public func submit(
        _ submit: SubmitSM, tag: UInt64 = 0,
        completion: @escaping @Sendable (Result<SubmitOutcome, SMPPClientError>) -> Void
    ) -> SubmitWithdrawal {
        let encoded: (buffer: ByteBuffer, commandName: String)
        do throws(SMPPClientError) {
            encoded = try encode(.submitSM(submit))
        } catch {
            completion(.failure(error))
            return SubmitWithdrawal(promise: nil, pool: pool)
        }
        let promise = SubmitPromise(completion)
        pool.enqueue(OutboundSubmit(encoded: encoded.buffer, commandName: encoded.commandName, promise: promise, tag: tag))
        return SubmitWithdrawal(promise: promise, pool: pool)
    }

    private func send(
        _ body: PDUBody, tag: UInt64, observe: (@Sendable (Result<SubmitOutcome, SMPPClientError>) -> Void)?
    ) async throws(SMPPClientError) -> SubmitOutcome {
        let (buffer, commandName) = try encode(body)
        let pool = self.pool
        if Task.isCancelled { throw SMPPClientError(code: .cancelled) }
        let promiseBox = NIOLockedValueBox<SubmitPromise?>(nil)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let promise = SubmitPromise { result in
                    observe?(result)
                    continuation.resume(returning: result)
                }
                promiseBox.withLockedValue { $0 = promise }
                pool.enqueue(OutboundSubmit(encoded: buffer, commandName: commandName, promise: promise, tag: tag))
                if Task.isCancelled { pool.withdraw(promise) }
            }
        } onCancel: {
            if let promise = promiseBox.withLockedValue({ $0 }) { pool.withdraw(promise) }
        }
        return try result.get()
    }

    /// The PDU encoded with sequence number 0 (the session writes its own into octets 12–15 when it sends).
    private func encode(_ body: PDUBody) throws(SMPPClientError) -> (buffer: ByteBuffer, commandName: String) {
        guard configuration.bindType != .receiver else { throw SMPPClientError(code: .noTransmitter) }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256)
        do {
            try PDU(body, sequenceNumber: 0).encode(into: &buffer)
        } catch {
            throw SMPPClientError(code: .encodingFailed, detail: "\(error)")
        }
        return (buffer, body.commandID.name)
    }
}

/// Withdraws a submit started with ``SMPPClient/submit(_:tag:completion:)`` while no session has written it.
public struct SubmitWithdrawal: Sendable {
    let promise: SubmitPromise?
    let pool: SessionPool

    /// Withdraws the submit if no session has written it yet (its completion then gets `.cancelled`); once written,
    /// does nothing and the real outcome comes.
    public func withdraw() {
        if let promise { pool.withdraw(promise) }
    }
}
