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
            if !pending.isEmpty, window.count < effectiveWindow {
                if let until = pausedUntil, until > now {
                    consider(until)
                } else {
                    consider(bucket.nextAvailable(now: now))
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
                if link.deadline <= now { return [close(.linkDead)] }
            } else if lastReceived + configuration.enquireLinkInterval <= now {
                let sequenceNumber = sequenceNumbers.next()
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
            actions.append(.fail(entry.request, sequenceNumber: sequenceNumber, .responseTimeout))
        }
        for (sequenceNumber, _) in inbound.removeExpired(now: now) {
            actions.append(.write(.inboundResponse(sequenceNumber: sequenceNumber, status: WireStatus.temporaryAppError)))
        }
        if !actions.isEmpty {
            // Timed-out requests may have been all that shutdown was waiting for.
            let unbind = unbindIfDrained(now: now)
            if case .none = unbind {} else { actions.append(unbind) }
        }
        return actions
    }
}
