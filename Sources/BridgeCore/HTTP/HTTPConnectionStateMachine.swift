import NIOCore
import NIOHTTP1

/// The request a connection received, as far as answering it needs.
struct HTTPRequestSummary: Sendable, Equatable {
    var method: HTTPMethod
    var uri: String
    var version: HTTPVersion
    /// What the client asked for (HTTP/1.1 default keep-alive, HTTP/1.0 only with `Connection: keep-alive`).
    var keepAlive: Bool
}

/// One HTTP connection's lifecycle: it decides when to answer, whether the connection stays open, and when an idle
/// or too-slow connection is closed. Time is an input: every event carries `now`, and the machine hands back
/// the one deadline the handler keeps a timer for.
///
/// A request (head through end) must arrive within `idleTimeout` of the connection opening or of the previous
/// response, which bounds slow and silent clients; header size is bounded by the decoder before this machine.
struct HTTPConnectionStateMachine {
    enum State: Equatable {
        /// Connected, the handler has not reported the connection active yet.
        case initial
        /// Waiting for a request head until `deadline`.
        case idle(deadline: NIODeadline)
        /// Head received, discarding any body until the end of the request or `deadline`.
        case receiving(HTTPRequestSummary, deadline: NIODeadline)
        /// Closed or closing: every further event is ignored.
        case closed
    }

    /// What to do after a response is written.
    enum AfterResponse: Hashable {
        /// Keep the connection and wait for the next request until the deadline.
        case keepAlive(deadline: NIODeadline)
        /// Close the connection once the response is written (the response says `Connection: close`).
        case close
    }

    enum Action: Equatable {
        case none
        /// (Re)arm the single timer for this deadline.
        case setTimer(NIODeadline)
        /// Answer this request, then keep or close the connection.
        case respond(HTTPRequestSummary, then: AfterResponse)
        /// Close the connection now (nothing left to answer).
        case close
    }

    private(set) var state: State = .initial
    /// Set by a graceful shutdown while a request is being received: answer it, then close.
    private(set) var quiescing = false
    let idleTimeout: TimeAmount

    init(idleTimeout: TimeAmount) {
        self.idleTimeout = idleTimeout
    }

    mutating func connectionActivated(now: NIODeadline) -> Action {
        guard case .initial = state else { return .none }
        let deadline = now + idleTimeout
        state = .idle(deadline: deadline)
        return .setTimer(deadline)
    }

    mutating func requestHeadReceived(_ request: HTTPRequestSummary, now: NIODeadline) -> Action {
        switch state {
        case .initial:
            // The head can race channelActive only in theory; the request still gets the full timeout.
            state = .receiving(request, deadline: now + idleTimeout)
            return .setTimer(now + idleTimeout)
        case .idle(let deadline):
            state = .receiving(request, deadline: deadline)
            return .none
        case .receiving:
            // Two heads without an end: the decoder would not produce this; refuse to guess.
            state = .closed
            return .close
        case .closed:
            return .none
        }
    }

    mutating func requestEndReceived(now: NIODeadline) -> Action {
        switch state {
        case .receiving(let request, _):
            guard request.keepAlive, !quiescing else {
                state = .closed
                return .respond(request, then: .close)
            }
            let deadline = now + idleTimeout
            state = .idle(deadline: deadline)
            return .respond(request, then: .keepAlive(deadline: deadline))
        case .initial, .idle:
            state = .closed
            return .close
        case .closed:
            return .none
        }
    }

    mutating func timerFired(now: NIODeadline) -> Action {
        switch state {
        case .idle(let deadline), .receiving(_, let deadline):
            guard now >= deadline else { return .setTimer(deadline) }
            state = .closed
            return .close
        case .initial, .closed:
            return .none
        }
    }

    /// How long a request still being received at a graceful shutdown may take to arrive: the shutdown waits for
    /// every connection, and the SMPP sessions unbind after this endpoint has stopped, so one client trickling a
    /// request must not hold them for the rest of its idle timeout.
    static let quiesceGrace: TimeAmount = .seconds(2)

    /// Graceful shutdown: an idle connection closes now; a request being received is answered, then closed — if
    /// its end arrives within ``quiesceGrace`` (its deadline is brought forward to that).
    mutating func quiesceRequested(now: NIODeadline) -> Action {
        switch state {
        case .initial, .idle:
            state = .closed
            return .close
        case .receiving(let request, let deadline):
            quiescing = true
            let shortened = min(deadline, now + Self.quiesceGrace)
            guard shortened < deadline else { return .none }
            state = .receiving(request, deadline: shortened)
            return .setTimer(shortened)
        case .closed:
            return .none
        }
    }

    /// A decoding error (garbage, oversized head) or an I/O error: the decoder has already answered 400 where it
    /// could; the connection goes.
    mutating func errorCaught() -> Action {
        guard state != .closed else { return .none }
        state = .closed
        return .close
    }

    mutating func connectionClosed() {
        state = .closed
    }
}
