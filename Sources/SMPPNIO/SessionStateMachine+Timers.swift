import NIOCore

extension SessionStateMachine {
    /// The earliest time at which ``timerFired(now:)`` or ``nextSend(now:)`` has something to do, or nil.
    mutating func nextDeadline(now: NIODeadline) -> NIODeadline? {
        var earliest: NIODeadline?
        func consider(_ deadline: NIODeadline?) {
            guard let deadline else { return }
            if let current = earliest, current <= deadline { return }
            earliest = deadline
        }
        switch state {
        case .connecting, .closed:
            return nil
        case .binding(_, let deadline), .unbinding(_, let deadline):
            consider(deadline)
        case .bound:
            consider(enquireLink?.deadline ?? (lastReceived + configuration.enquireLinkInterval))
            // When only the pause or the throughput cap keeps a session with window room from sending, wake up
            // when it ends: the session then pulls from the pool (or registers as idle). Never `now`, so an idle
            // session does not spin.
            if canSubmit, !unbindWhenDrained, window.count < effectiveWindow {
                if let until = pausedUntil, until > now {
                    consider(until)
                } else {
                    let token = bucket.nextAvailable(now: now)
                    if token > now { consider(token) }
                }
            }
        }
        consider(window.earliestDeadline())
        consider(inbound.earliestDeadline())
        return earliest
    }

    /// Time has reached `now`: acts on every deadline that has passed, in a fixed order (session-level first).
    mutating func timerFired(now: NIODeadline) -> [Action] {
        switch state {
        case .connecting, .closed:
            return []
        case .binding(_, let deadline):
            return deadline <= now ? [close(.bindTimeout)] : []
        case .unbinding(_, let deadline):
            if deadline <= now { return [close(.unbound)] }
        case .bound:
            if let link = enquireLink {
                if link.deadline <= now {
                    // Dead only when nothing at all came since it was sent: an SMSC that answers submits but not
                    // enquire_link is alive, and closing it would turn every outstanding submit into an unknown
                    // outcome (a flagged resubmit). Its deadline moves with what arrives; silence closes it.
                    guard lastReceived > link.deadline - configuration.responseTimeout else { return [close(.linkDead)] }
                    enquireLink = (link.sequenceNumber, lastReceived + configuration.responseTimeout)
                }
            } else if lastReceived + configuration.enquireLinkInterval <= now {
                let sequenceNumber = unusedSequenceNumber()
                enquireLink = (sequenceNumber, now + configuration.responseTimeout)
                var actions: [Action] = [.write(.enquireLink(sequenceNumber: sequenceNumber))]
                actions += expireRequests(now: now)
                return actions
            }
        }
        return expireRequests(now: now)
    }

    private mutating func expireRequests(now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        for (sequenceNumber, entry) in window.removeExpired(now: now) {
            if let last = lastSubmitResponse, last > entry.sentAt {
                // Answers came after this one was sent: the session is alive, this request alone was lost.
                consecutiveTimeouts = 0
            } else {
                consecutiveTimeouts += 1
            }
            rememberTimedOut(entry.request, sequenceNumber: sequenceNumber, sentAt: entry.sentAt)
            actions.append(.fail(entry.request, sequenceNumber: sequenceNumber, .responseTimeout))
        }
        for (sequenceNumber, _) in inbound.removeExpired(now: now) {
            recentAnswers.record(sequenceNumber, now: now)
            actions.append(.inboundExpired(sequenceNumber: sequenceNumber))
        }
        let limit = configuration.maxConsecutiveTimeouts
        if limit > 0, consecutiveTimeouts >= limit, !isClosed {
            // It answers enquire_link but not submits: close it, so the pool's other sessions carry the queue
            // (what is still outstanding here fails as session lost, outcome unknown).
            actions.append(close(.unresponsive))
        }
        return actions
    }
}
