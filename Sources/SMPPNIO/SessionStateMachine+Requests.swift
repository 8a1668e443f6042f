import NIOCore

extension SessionStateMachine {
    /// How many requests may be outstanding right now.
    var openWindowSlots: Int { max(0, effectiveWindow - window.count) }

    /// Whether this session may take a request now: bound, not shutting down, window room, not paused, a token of
    /// the throughput cap available. Requests wait in the client's one pool queue, not here.
    mutating func maySend(now: NIODeadline) -> Bool {
        guard canSubmit, state == .bound, !unbindWhenDrained, window.count < effectiveWindow else { return false }
        if let until = pausedUntil {
            if now < until { return false }
            pausedUntil = nil
        }
        return bucket.nextAvailable(now: now) <= now
    }

    /// Sends the next request if the window, the pause and the token bucket all allow it. `take` is asked only
    /// then, and at most once: it pulls a request from the pool (nil = none waiting, or every waiting one was
    /// withdrawn by its caller). A token is spent only on a request actually taken.
    mutating func nextSend(now: NIODeadline, take: () -> Request?) -> (request: Request, sequenceNumber: UInt32)? {
        guard maySend(now: now), let request = take() else { return nil }
        _ = bucket.take(now: now)
        let sequenceNumber = unusedSequenceNumber()
        window.insert(request, sequenceNumber: sequenceNumber, sentAt: now, deadline: now + configuration.responseTimeout)
        return (request, sequenceNumber)
    }

    /// A submit_sm_resp / data_sm_resp arrived (any order). A slow-down status pauses the session and halves the
    /// effective window; any other status in time grows it back by one (a refusal such as ESME_RINVDSTADR still
    /// shows the SMSC keeping up, so a session that mostly gets those is not held at a window of 1). A response to a
    /// request that already failed (timed out, or lost with its closing session) reports its late outcome.
    mutating func submitResponseReceived(sequenceNumber: UInt32, status: UInt32, now: NIODeadline) -> Action {
        lastReceived = now
        guard let entry = window.remove(sequenceNumber) else {
            guard let late = timedOut.removeValue(forKey: sequenceNumber) else {
                return .unexpectedResponse(sequenceNumber: sequenceNumber)
            }
            consecutiveTimeouts = 0
            lastSubmitResponse = now
            if WireStatus.isThrottle(status) { slowDown(now: now) }
            rebindIfSessionRefused(status)
            return .lateResponse(late.request, sequenceNumber: sequenceNumber, status: status,
                                 latency: now - late.sentAt)
        }
        consecutiveTimeouts = 0
        lastSubmitResponse = now
        if WireStatus.isThrottle(status) {
            slowDown(now: now)
        } else if effectiveWindow < max(1, configuration.window) {
            effectiveWindow += 1
        }
        rebindIfSessionRefused(status)
        return .complete(entry.request, sequenceNumber: sequenceNumber, status: status, latency: now - entry.sentAt)
    }

    /// A refusal for the session's state (ESME_RINVBNDSTS and the rest of reference §4 class S: the SMSC no longer
    /// takes this session as bound — fix the session), in a response or a generic_nack: the session takes no more
    /// requests, the outstanding ones get their answers, then it unbinds and the client binds again.
    mutating func rebindIfSessionRefused(_ status: UInt32) {
        if WireStatus.isSessionState(status), case .bound = state { unbindWhenDrained = true }
    }

    /// generic_nack arrived: it fails the request with that sequence number, whatever kind it was — unless the
    /// number is also that of a response we just wrote to one of the SMSC's requests (their numbers and ours
    /// overlap): then it may be the SMSC refusing that response (a late deliver_sm_resp, say), and failing our
    /// request on it could report a submit the SMSC accepted as refused (a resubmit then duplicates it without a
    /// flag). The request keeps waiting for its own response, or times out (outcome unknown).
    mutating func genericNackReceived(sequenceNumber: UInt32, status: UInt32, now: NIODeadline) -> Action {
        lastReceived = now
        // ESME_RTHROTTLED and ESME_RMSGQFUL refuse a request, never a response: not ambiguous (the session must slow
        // down, and the submit was refused, not lost). ESME_RSYSERR, the SMSC's catch-all, may well refuse a stray
        // answer: ambiguous like any other status.
        if !WireStatus.refusesOnlyRequests(status), recentAnswers.contains(sequenceNumber, now: now),
           window.request(for: sequenceNumber) != nil || timedOut[sequenceNumber] != nil {
            return .ambiguousNack(sequenceNumber: sequenceNumber, status: status)
        }
        // Refusing one of our requests (or none we can name), a refusal for the session's state says the SMSC does
        // not take this session as bound. (An ambiguous nack may be refusing one of our answers: not acted on.)
        rebindIfSessionRefused(status)
        if let entry = window.remove(sequenceNumber) {
            consecutiveTimeouts = 0
            lastSubmitResponse = now
            // Some SMSCs refuse an over-rate submit with generic_nack ESME_RTHROTTLED: slow down all the same.
            if WireStatus.isThrottle(status) { slowDown(now: now) }
            return .fail(entry.request, sequenceNumber: sequenceNumber, .genericNack(status: status))
        }
        switch state {
        case .binding(let expected, _) where expected == sequenceNumber:
            // A generic_nack saying ESME_ROK refuses the bind without a reason: not a credential rejection (which
            // waits the longest delay before every retry), so it backs off as any other failure.
            return close(.bindRejected(status: status == WireStatus.ok ? WireStatus.systemError : status))
        case .unbinding(let expected, _) where expected == sequenceNumber:
            return close(.unbound)
        default:
            break
        }
        if let link = enquireLink, link.sequenceNumber == sequenceNumber {
            // The SMSC answered, if oddly: the link is alive (a refusal for the session's state rebinds, above).
            enquireLink = nil
            return .none
        }
        // A slow-down status in a nack that names no request of ours (number 0, say) still asks us to slow down.
        // (RTHROTTLED / RMSGQFUL only: an RSYSERR nack here may be refusing one of our late answers.)
        if WireStatus.refusesOnlyRequests(status), case .bound = state, timedOut[sequenceNumber] == nil {
            slowDown(now: now)
        }
        if let late = timedOut.removeValue(forKey: sequenceNumber) {
            // A late refusal of a timed-out request: the SMSC does not have it. Reported like a late response (its
            // status, no message_id), so the caller knows a resubmit is no duplicate.
            consecutiveTimeouts = 0
            lastSubmitResponse = now
            if WireStatus.isThrottle(status) { slowDown(now: now) }
            return .lateResponse(late.request, sequenceNumber: sequenceNumber, status: status,
                                 latency: now - late.sentAt)
        }
        return .unexpectedResponse(sequenceNumber: sequenceNumber)
    }

    /// The next sequence number no request of ours still holds: after a wrap (0x7FFFFFFF) one still outstanding or
    /// remembered as timed out is skipped, so its response (or late response) keeps its meaning and no caller loses
    /// its completion to an overwrite. A number we just used to answer one of the SMSC's requests is skipped too, so a
    /// generic_nack of that answer can be told from one of our request, and so is the number of a request of the
    /// SMSC's still waiting for the application's answer. At most 0x7FFFFFFF tries; far fewer numbers are held.
    mutating func unusedSequenceNumber() -> UInt32 {
        var candidate = sequenceNumbers.next()
        while isInUse(candidate) { candidate = sequenceNumbers.next() }
        return candidate
    }

    private func isInUse(_ sequenceNumber: UInt32) -> Bool {
        if window.request(for: sequenceNumber) != nil || timedOut[sequenceNumber] != nil { return true }
        // An SMSC request the application still holds (up to the inbound timeout) will be answered under its number:
        // ours must differ, or a generic_nack of that late answer could not be told from one of our request.
        if recentAnswers.holds(sequenceNumber) || inbound.contains(sequenceNumber) { return true }
        if enquireLink?.sequenceNumber == sequenceNumber { return true }
        switch state {
        case .binding(let expected, _), .unbinding(let expected, _): return expected == sequenceNumber
        case .connecting, .bound, .closed: return false
        }
    }

    /// The SMSC asked us to slow down: pause sending and halve the effective window (grown back by timely answers).
    private mutating func slowDown(now: NIODeadline) {
        pausedUntil = now + configuration.throttlePause
        effectiveWindow = max(1, effectiveWindow / 2)
    }

    /// Asked after every event: once shutdown is waiting and every written request and held inbound request is
    /// answered (or timed out), unbind. Every path that empties the window or the inbound set ends here.
    mutating func unbindIfDrained(now: NIODeadline) -> Action {
        guard unbindWhenDrained, state == .bound, window.isEmpty, inbound.isEmpty else { return .none }
        return startUnbind(now: now)
    }

    /// Remembers a timed-out request so that its late response can still be reported; the oldest is forgotten
    /// past ``Configuration/lateResponseMemory``.
    mutating func rememberTimedOut(_ request: Request, sequenceNumber: UInt32, sentAt: NIODeadline) {
        guard configuration.lateResponseMemory > 0 else { return }
        if timedOut.updateValue((request, sentAt), forKey: sequenceNumber) == nil {
            timedOutOrder.append(sequenceNumber)
        }
        while timedOutOrder.count > configuration.lateResponseMemory {
            timedOut.removeValue(forKey: timedOutOrder.removeFirst())
        }
    }
}
