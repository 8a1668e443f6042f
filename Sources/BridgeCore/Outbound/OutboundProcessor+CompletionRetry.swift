import struct Foundation.Date
extension OutboundProcessor {
    /// After the store failed (`error`) to take an outcome the bridge knows: asks it again, waiting
    /// ``OutboundPipelineSettings/completionRetryDelay`` (doubling up to its maximum) between tries, for as long as the
    /// delivery is held — a requeue would make the redelivery find the request *in flight* and submit it again
    /// (DESIGN §3 "Order of completion"). It hands the delivery back (the in-flight mark stays) only when the task is
    /// cancelled (shutdown) or the store is closed (no later write can succeed).
    ///
    /// Every try stores the same `stored` result: should a write reported failed have committed after all, the store
    /// keeps that first one, and the publish sends the same bytes under the same event id. The result is published
    /// once, after the write that succeeded.
    func retryCompletion(
        _ event: SubmitResultEvent, stored: StoredResult, correlations: [ReceiptCorrelation], request: IncomingRequest,
        markedAt: Date?, after error: BridgeStoreError
    ) async -> Settlement {
        var error = error
        var failures = 1
        while error.code != .closed && !Task.isCancelled {
            let delay = completionRetryDelay(afterFailures: failures)
            logger.error("store write failed; outcome kept, delivery held, trying again", metadata: [
                "request_id": "\(event.requestID)", "error": "\(error)", "failures": "\(failures)",
                "retry_in": "\(delay)",
            ])
            try? await Task.sleep(for: delay)
            if Task.isCancelled { break }
            switch await tryCompletion(
                event, stored: stored, correlations: correlations, request: request, markedAt: markedAt)
            {
            case .settled(let settlement):
                return settlement
            case .storeFailed(let next):
                error = next
                failures += 1
            }
        }
        return completionFailed(event, error)
    }

    /// The wait after the `failures`-th failed try: the first delay, doubled after each further failure, capped.
    func completionRetryDelay(afterFailures failures: Int) -> Duration {
        let doubled = settings.completionRetryDelay * (1 << min(max(0, failures - 1), 20))
        return min(doubled, settings.completionRetryMaxDelay)
    }
}
