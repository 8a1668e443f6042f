import NIOCore

extension SessionStateMachine {
    /// What ``nextSend(now:)`` decided.
    enum SendDecision {
        /// Write this request with this sequence number now.
        case send(Request, sequenceNumber: UInt32)
        /// Nothing may go out now (empty queue, full window, paused, no token, not bound).
        case wait
        /// The request at the front was withdrawn by its caller before it was sent: complete it as cancelled.
        case withdrawn(Request)
    }

    /// The application wants `request` submitted. It waits in order behind earlier ones; the handler then calls
    /// ``nextSend(now:)`` until it says `.wait`.
    mutating func submitRequested(_ request: Request, now: NIODeadline) -> Action {
        guard canSubmit else { return .reroute(request) }
        switch state {
        case .connecting, .binding:
            pending.append(request)
            return .none
        case .bound:
            guard !unbindWhenDrained else { return .reroute(request) }
            pending.append(request)
            return .none
        case .unbinding, .closed:
            return .reroute(request)
        }
    }

    /// How many requests may be outstanding right now.
    var openWindowSlots: Int { max(0, effectiveWindow - window.count) }

    /// Takes the next waiting request if the window, the pause and the token bucket all allow it. `claim` is asked
    /// last, right before the request is committed to the window: false means its caller withdrew it, and it leaves
    /// the queue without a sequence number.
    mutating func nextSend(now: NIODeadline, claim: (Request) -> Bool = { _ in true }) -> SendDecision {
        guard state == .bound, !pending.isEmpty, window.count < effectiveWindow else { return .wait }
        if let until = pausedUntil {
            if now < until { return .wait }
            pausedUntil = nil
        }
        // Look at the bucket first, take the token only once the request is claimed: a withdrawn one costs none.
        guard bucket.nextAvailable(now: now) <= now else { return .wait }
        let request = pending.removeFirst()
        guard claim(request) else { return .withdrawn(request) }
        _ = bucket.take(now: now)
        let sequenceNumber = sequenceNumbers.next()
        window.insert(request, sequenceNumber: sequenceNumber, sentAt: now, deadline: now + configuration.responseTimeout)
        return .send(request, sequenceNumber: sequenceNumber)
    }

    /// A submit_sm_resp / data_sm_resp arrived (any order). A throttle status pauses the session and halves the
    /// effective window; an accepted one grows it back by one.
    mutating func submitResponseReceived(sequenceNumber: UInt32, status: UInt32, now: NIODeadline) -> Action {
        lastReceived = now
        guard let entry = window.remove(sequenceNumber) else {
            return .unexpectedResponse(sequenceNumber: sequenceNumber)
        }
        if WireStatus.isThrottle(status) {
            slowDown(now: now)
        } else if status == WireStatus.ok, effectiveWindow < max(1, configuration.window) {
            effectiveWindow += 1
        }
        return .complete(entry.request, sequenceNumber: sequenceNumber, status: status, latency: now - entry.sentAt)
    }

    /// generic_nack arrived: it fails the request with that sequence number, whatever kind it was.
    mutating func genericNackReceived(sequenceNumber: UInt32, status: UInt32, now: NIODeadline) -> Action {
        lastReceived = now
        if let entry = window.remove(sequenceNumber) {
            // Some SMSCs refuse an over-rate submit with generic_nack ESME_RTHROTTLED: slow down all the same.
            if WireStatus.isThrottle(status) { slowDown(now: now) }
            return .fail(entry.request, sequenceNumber: sequenceNumber, .genericNack(status: status))
        }
        switch state {
        case .binding(let expected, _) where expected == sequenceNumber:
            return close(.bindRejected(status: status == WireStatus.ok ? WireStatus.bindFailed : status))
        case .unbinding(let expected, _) where expected == sequenceNumber:
            return close(.unbound)
        default:
            break
        }
        if let link = enquireLink, link.sequenceNumber == sequenceNumber {
            // The SMSC answered, if oddly: the link is alive.
            enquireLink = nil
            return .none
        }
        return .unexpectedResponse(sequenceNumber: sequenceNumber)
    }

    /// A response whose header names `sequenceNumber` but whose body does not parse: fails that request (the
    /// outcome is unknown) instead of leaving it to time out.
    mutating func malformedResponseReceived(sequenceNumber: UInt32, now: NIODeadline) -> Action {
        lastReceived = now
        guard let entry = window.remove(sequenceNumber) else {
            return .unexpectedResponse(sequenceNumber: sequenceNumber)
        }
        return .fail(entry.request, sequenceNumber: sequenceNumber, .malformedResponse)
    }

    /// The SMSC asked us to slow down: pause sending and halve the effective window (grown back by accepted submits).
    private mutating func slowDown(now: NIODeadline) {
        pausedUntil = now + configuration.throttlePause
        effectiveWindow = max(1, effectiveWindow / 2)
    }

    /// After a response: once shutdown is waiting and everything is answered, unbind.
    mutating func unbindIfDrained(now: NIODeadline) -> Action {
        guard unbindWhenDrained, state == .bound, window.isEmpty, pending.isEmpty else { return .none }
        return startUnbind(now: now)
    }
}
