import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle

extension ClusterSlotGate {
    /// Creates the tables if missing (retried until it works), then renews, claims and releases until graceful
    /// shutdown; then gives back what the client released and ends the heartbeat. Never throws: an unreachable
    /// database only means no lease is granted (and held ones are given up at their deadline).
    public func run() async throws {
        // Detached: the pool must not see this service's graceful shutdown (PostgresClient is a Service too and
        // would close at once), since the final round still needs it. Cancelled after that round.
        let client = self.client
        let pool = Task.detached { await client.run() }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await self.runRounds()
            } onGracefulShutdown: {
                self.close()
            }
        } onCancel: {
            self.close()
        }
        pool.cancel()
        await pool.value
        heldSlotContinuation.finish()
    }

    /// Stops granting: waiting claims return nil and the run loop ends after its final round.
    func close() {
        let (waiters, alarm) = state.withLockedValue { state in
            state.closed = true
            defer {
                state.waiters.removeAll()
                state.alarm = nil
            }
            return (Array(state.waiters.values), state.alarm)
        }
        for waiter in waiters { waiter.resume(returning: nil) }
        alarm?.succeed()
    }

    private var timing: SlotLeaseMachine.Timing { state.withLockedValue { $0.machine.timing } }

    private func runRounds() async {
        guard await prepareTables() else { return }
        await withTaskGroup(of: Void.self) { rounds in
            while true {
                let (actions, plan, deadline, closed) = state.withLockedValue { state in
                    let now = NIODeadline.now()
                    let actions = state.machine.deadlineReached(now: now)
                    let plan = state.closed ? nil : state.machine.roundStarting(now: now)
                    return (actions, plan, state.machine.nextDeadline, state.closed)
                }
                perform(actions)
                if let plan { rounds.addTask { await self.runRound(plan) } }
                if closed { break }
                await sleep(until: deadline)
            }
            logger.debug("session budget: closing; waiting for the round in flight")
            await rounds.waitForAll()
        }
        logger.debug("session budget: rounds ended")
        if !Task.isCancelled { await finalRound() }
    }

    /// Creates the tables; retried every poll interval until it works or the gate closes.
    private func prepareTables() async -> Bool {
        var failures = 0
        while !state.withLockedValue({ $0.closed }) {
            do {
                try await withConnection { connection, logger in try await self.sql.prepare(on: connection, logger: logger) }
                return true
            } catch {
                failures += 1
                let detail = PostgresBridgeStore.errorDetail(error)
                state.withLockedValue { $0.lastError = "cannot create the lease tables at \(url.endpoint): \(detail)" }
                if failures == 1 {
                    logger.warning("session budget: cannot create the lease tables; retrying", metadata: [
                        "store.url": "\(url)", "error": "\(detail)",
                    ])
                }
                await sleep(until: .now() + timing.pollInterval)
            }
        }
        return false
    }

    /// The bounds of a round's transaction, so a round never waits without end: a row locked by another
    /// instance's transaction (one left open by a partitioned or frozen instance holds its rows until the server
    /// notices the dead client, hours with default keep-alives) fails the statement after `pollInterval`
    /// (`lock_timeout`) and the next round tries again; a statement runs at most a quarter of `takeover_after`; and
    /// the server aborts this transaction, releasing its row locks, when this instance leaves it idle that long
    /// (`idle_in_transaction_session_timeout`) — so a partitioned instance never blocks the others' takeover.
    /// One statement (`set_config(…, true)` is `SET LOCAL`), milliseconds.
    var roundTimeouts: String {
        let quarter = max(1, timing.takeoverAfter.nanoseconds / 4_000_000)
        let lock = max(1, timing.pollInterval.nanoseconds / 1_000_000)
        return "SELECT set_config('lock_timeout', '\(lock)', true), set_config('statement_timeout', '\(quarter)', true), "
            + "set_config('idle_in_transaction_session_timeout', '\(quarter)', true)"
    }

    /// How long a round's statement waits for its answer here. The server bounds it at a quarter of
    /// `takeover_after` (``roundTimeouts``); this catches a connection that can no longer answer at all — a half-open
    /// socket, the database's host gone without a reset — and closes it, so the next round runs on a fresh
    /// connection instead of waiting as long as the kernel keeps that socket (with data unacknowledged, about
    /// fifteen minutes), every held slot given up meanwhile.
    var roundStatementTimeout: Duration {
        .nanoseconds(timing.takeoverAfter.nanoseconds / 4 + timing.pollInterval.nanoseconds)
    }

    /// One round: heartbeat (and the stale heartbeats of dead instances gone), renew, delete what is not kept, read,
    /// claim; one transaction.
    private func runRound(_ plan: SlotLeaseMachine.RoundPlan) async {
        let account = settings.account, instance = settings.instanceID
        let ttl = Double(timing.takeoverAfter.nanoseconds) / 1e9
        do {
            let (result, contended) = try await withRoundStatements { run in
                _ = try await run("BEGIN ISOLATION LEVEL READ COMMITTED")
                do {
                    _ = try await run(PostgresQuery(unsafeSQL: self.roundTimeouts))
                    _ = try await run(self.sql.heartbeat(account: account, instance: instance, ttl: ttl))
                    // Housekeeping: its failure (a role without DELETE, a timeout) must not cost the round.
                    _ = try await run("SAVEPOINT stale_heartbeats")
                    do {
                        _ = try await run(self.sql.deleteStaleHeartbeats(account: account))
                        _ = try await run("RELEASE SAVEPOINT stale_heartbeats")
                    } catch {
                        _ = try await run("ROLLBACK TO SAVEPOINT stale_heartbeats")
                    }
                    let renewRows = try await run(self.sql.renew(
                        account: account, instance: instance, slots: plan.renew.map { Int32($0) }, ttl: ttl))
                    let renewed = Set(try renewRows.map { Int(try $0.decode(Int32.self)) })
                    _ = try await run(self.sql.deleteExcept(
                        account: account, instance: instance, keep: plan.keep.map { Int32($0) }))
                    let liveRows = try await run(self.sql.liveInstances(account: account, instance: instance))
                    var live = 1, rank = 0
                    if let row = liveRows.first {
                        let (count, before) = try row.decode((Int64, Int64).self)
                        live = Int(count)
                        rank = Int(before)
                    }
                    var rows: [Int: SlotLeaseMachine.Row] = [:]
                    for row in try await run(self.sql.rows(account: account)) {
                        let (slot, holder, alive) = try row.decode((Int32, String, Bool).self)
                        rows[Int(slot)] = SlotLeaseMachine.Row(holder: holder, live: alive)
                    }
                    let wanted = self.state.withLockedValue {
                        $0.machine.claims(for: plan, renewed: renewed, rows: rows, live: live, rank: rank)
                    }
                    var claimed: [Int: String?] = [:]
                    var contended = 0
                    for slot in wanted {
                        let won = try await run(self.sql.claim(
                            account: account, slot: Int32(slot), instance: instance, ttl: ttl))
                        if won.isEmpty { contended += 1 } else { claimed.updateValue(rows[slot]?.holder, forKey: slot) }
                    }
                    _ = try await run("COMMIT")
                    return (SlotLeaseMachine.RoundResult(renewed: renewed, claimed: claimed, live: live, rank: rank), contended)
                } catch {
                    _ = try? await run("ROLLBACK")
                    throw error
                }
            }
            let (actions, hadError) = state.withLockedValue { state in
                defer { state.lastError = nil }
                return (state.machine.roundSucceeded(plan, result: result, now: .now()), state.lastError != nil)
            }
            if hadError { logger.notice("session budget: database reachable again") }
            metrics.roundsOK.increment()
            for _ in 0..<contended { metrics.contended.increment() }
            perform(actions)
        } catch {
            let detail = PostgresBridgeStore.errorDetail(error)
            let first = state.withLockedValue { state in
                defer { state.lastError = "lease round failed at \(url.endpoint): \(detail)" }
                state.machine.roundFailed(plan, now: .now())
                return state.lastError == nil
            }
            metrics.roundsFailed.increment()
            if first {
                logger.warning("session budget: lease round failed; held slots are given up if it lasts", metadata: [
                    "error": "\(detail)", "cluster.give_up_after_ms": "\(timing.giveUpAfter.nanoseconds / 1_000_000)",
                ])
            }
        }
        poke()
    }

    /// Graceful stop: deletes the rows of every slot the client released (those still held or closing are kept
    /// until they expire) and the heartbeat, so the others recount and take over at once.
    private func finalRound() async {
        let keep = state.withLockedValue { state in
            Array(state.machine.slots.compactMap { $0.value == .wanted ? nil : Int32($0.key) })
        }
        let account = settings.account, instance = settings.instanceID
        do {
            try await withRoundStatements { run in
                _ = try await run(self.sql.deleteExcept(account: account, instance: instance, keep: keep))
                _ = try await run(self.sql.deleteHeartbeat(account: account, instance: instance))
            }
            logger.info("session budget: leases released", metadata: ["cluster.kept": "\(keep.count)"])
        } catch {
            logger.warning("session budget: could not release the leases (they expire)", metadata: [
                "error": "\(PostgresBridgeStore.errorDetail(error))",
            ])
        }
    }

    /// ``withConnection(_:)`` for a round's statements: `body` runs each through the function it is given, which
    /// holds it to the round's client deadline (``roundStatementTimeout``).
    private func withRoundStatements<Value: Sendable>(
        _ body: @escaping @Sendable (_ run: @Sendable (PostgresQuery) async throws -> [PostgresRow]) async throws -> Value
    ) async throws -> Value {
        let timeout = roundStatementTimeout
        return try await withConnection { connection, logger in
            try await body { query in try await connection.run(query, logger: logger, timeout: timeout) }
        }
    }

    /// Leases a pooled connection for `body`, or fails when none is had within the poll interval × 5 (the pool
    /// would otherwise wait for a server that is down until its circuit breaker trips).
    private func withConnection<Value: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> Value
    ) async throws -> Value {
        try await leaseConnection(
            from: client, within: .nanoseconds(timing.pollInterval.nanoseconds * 5), location: url.endpoint,
            logger: logger, body)
    }
}
