import Logging
import NIOConcurrencyHelpers
import NIOCore
import SMPP

/// The state every connection of one simulator shares: accounts, message ids, records, counters, the bound
/// receiving sessions and the deliveries waiting for them. One lock guards it; nothing under the lock blocks
/// or calls out (deliveries are handed to endpoints after the lock is released).
final class SimulatorCore: Sendable {
    struct State {
        var book: AccountBook
        var ids: MessageIDGenerator
        var random: SimulatorRandom
        var records: [SubmitRecord] = []
        var counters = SimulatorCounters()
        var nextSessionID: UInt64 = 1
        var nextDeliveryID: UInt64 = 1
        var receivers: [UInt64: (account: String, endpoint: any DeliveryEndpoint)] = [:]
        var roundRobin: UInt64 = 0
        var inFlight: [UInt64: OutboundDelivery] = [:]
        var waiting: [OutboundDelivery] = []
        var waiters: [(id: UInt64, predicate: @Sendable (SimulatorCounters) -> Bool, promise: EventLoopPromise<Bool>)] = []
        var nextWaiterID: UInt64 = 1
        var mo: MOGenerator
        var statuses = MessageStatusBook()
        var stopped = false
        /// Binds refused so far by `faults.refuseFirstBinds`.
        var faultRefusals = 0
        /// Receipts scheduled and not yet due.
        var dueReceipts = DueReceiptQueue()
    }

    let configuration: SMSCSimulatorConfiguration
    let state: NIOLockedValueBox<State>
    let loop: any EventLoop
    let logger: Logger
    let recordWriter: RecordWriter?

    init(configuration: SMSCSimulatorConfiguration, loop: any EventLoop, logger: Logger, recordWriter: RecordWriter?) {
        var random = configuration.seed.map(SimulatorRandom.init(seed:)) ?? .unseeded()
        let start = configuration.messageIDStart ?? (0x1000_0000 + random.next() % 0x1000_0000)
        self.configuration = configuration
        self.loop = loop
        self.logger = logger
        self.recordWriter = recordWriter
        self.state = NIOLockedValueBox(State(
            book: AccountBook(accounts: configuration.accounts),
            ids: MessageIDGenerator(format: configuration.messageIDFormat, start: start),
            random: random, mo: MOGenerator(longFraction: configuration.moLongFraction)))
    }

    // MARK: Connections

    /// Numbers a new connection and gives it its own random sub-stream.
    func connectionOpened() -> (sessionID: UInt64, random: SimulatorRandom) {
        let (id, random) = state.withLockedValue { state in
            state.counters.connections += 1
            defer { state.nextSessionID += 1 }
            return (state.nextSessionID, state.random.split())
        }
        notifyWaiters()
        return (id, random)
    }

    /// Checks a bind: refused outright while `faults.refuseFirstBinds` is not used up, else by the accounts.
    func authenticate(systemID: String, password: String) -> BindVerdict {
        let limit = configuration.faults.refuseFirstBinds
        let verdict = state.withLockedValue { state -> BindVerdict in
            if state.faultRefusals < limit {
                state.faultRefusals += 1
                state.counters.bindsRefusedByFault += 1
                return .refusedByFault
            }
            let verdict = state.book.bind(systemID: systemID, password: password)
            switch verdict {
            case .accepted:
                let bound = UInt64(state.book.boundSessions(of: systemID))
                state.counters.peakBoundSessions = max(state.counters.peakBoundSessions, bound)
            case .tooManySessions:
                state.counters.bindsRefusedSessionLimit += 1
            default:
                break
            }
            return verdict
        }
        if verdict == .refusedByFault || verdict == .tooManySessions { notifyWaiters() }
        return verdict
    }

    /// A bind was accepted; a receiving session starts taking deliveries, first those that waited for it.
    func sessionBound(systemID: String, endpoint: (any DeliveryEndpoint)?) {
        guard let endpoint else { return }
        let flushed: [OutboundDelivery] = state.withLockedValue { state in
            state.receivers[endpoint.sessionID] = (systemID, endpoint)
            let (mine, others) = state.waiting.partitioned { $0.account == nil || $0.account == systemID }
            state.waiting = others
            return mine
        }
        dispatch(flushed)
    }

    /// A connection closed: its account slot is released and its unanswered deliveries are retried later.
    func connectionClosed(sessionID: UInt64, boundSystemID: String?, unanswered: [UInt64]) {
        state.withLockedValue { state in
            state.receivers[sessionID] = nil
            state.counters.connectionsClosed += 1
            if let boundSystemID { state.book.release(systemID: boundSystemID) }
        }
        notifyWaiters()
        for id in unanswered { deliveryFinished(deliveryID: id, result: .retry) }
    }

    // MARK: Counters

    func count(_ key: WritableKeyPath<SimulatorCounters, UInt64>) {
        state.withLockedValue { $0.counters[keyPath: key] += 1 }
        notifyWaiters()
    }

    var counters: SimulatorCounters { state.withLockedValue { $0.counters } }

    /// How many sessions of `systemID` are bound now.
    func boundSessions(of systemID: String) -> Int { state.withLockedValue { $0.book.boundSessions(of: systemID) } }

    var records: [SubmitRecord] { state.withLockedValue { $0.records } }

    /// Completes with true once `predicate` holds for the counters, or false at the deadline. Whichever comes
    /// first removes the waiter under the lock, so the promise is completed exactly once.
    func wait(until predicate: @escaping @Sendable (SimulatorCounters) -> Bool, timeout: TimeAmount) -> EventLoopFuture<Bool> {
        let promise = loop.makePromise(of: Bool.self)
        let waiterID = state.withLockedValue { state -> UInt64? in
            if predicate(state.counters) { return nil }
            let id = state.nextWaiterID
            state.nextWaiterID += 1
            state.waiters.append((id, predicate, promise))
            return id
        }
        guard let waiterID else {
            promise.succeed(true)
            return promise.futureResult
        }
        loop.scheduleTask(in: timeout) { [state] in
            let expired = state.withLockedValue { state -> Bool in
                guard let index = state.waiters.firstIndex(where: { $0.id == waiterID }) else { return false }
                state.waiters.remove(at: index)
                return true
            }
            if expired { promise.succeed(false) }
        }
        return promise.futureResult
    }

    func notifyWaiters() {
        let ready: [EventLoopPromise<Bool>] = state.withLockedValue { state in
            guard !state.waiters.isEmpty else { return [] }
            let counters = state.counters
            let (done, pending) = state.waiters.partitioned { $0.predicate(counters) }
            state.waiters = pending
            return done.map(\.promise)
        }
        for promise in ready { promise.succeed(true) }
    }
}

extension Array {
    /// (matching, non-matching), each in the original order.
    func partitioned(by belongs: (Element) -> Bool) -> ([Element], [Element]) {
        var yes: [Element] = []
        var no: [Element] = []
        for element in self {
            if belongs(element) { yes.append(element) } else { no.append(element) }
        }
        return (yes, no)
    }
}
