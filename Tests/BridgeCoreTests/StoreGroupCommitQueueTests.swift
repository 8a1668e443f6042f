@testable import BridgeCore
import Testing

/// The group-commit decisions as plain event sequences (writes are Ints, close waiters are Strings).
@Suite struct StoreGroupCommitQueueTests {
    typealias Queue = GroupCommitQueue<Int, String>

    private func batch(_ action: Queue.NextAction) -> [Int]? {
        if case .write(let batch) = action { return batch }
        return nil
    }

    private func isIdle(_ action: Queue.NextAction) -> Bool {
        if case .idle = action { return true }
        return false
    }

    @Test func firstWriteStartsWriterAndIsCommittedAlone() {
        var queue = Queue(maximumBatch: 4)
        guard case .startWriter = queue.writeRequested(1) else { Issue.record("writer not started"); return }
        #expect(batch(queue.nextBatch()) == [1])
        #expect(isIdle(queue.nextBatch()))
        guard case .startWriter = queue.writeRequested(2) else { Issue.record("idle writer not restarted"); return }
    }

    @Test func writesArrivingDuringACommitShareTheNextTransaction() {
        var queue = Queue(maximumBatch: 4)
        _ = queue.writeRequested(1)
        #expect(batch(queue.nextBatch()) == [1])
        for n in 2...7 {
            guard case .queued = queue.writeRequested(n) else { Issue.record("write \(n) not queued"); return }
        }
        #expect(queue.pendingCount == 6)
        #expect(batch(queue.nextBatch()) == [2, 3, 4, 5])
        #expect(batch(queue.nextBatch()) == [6, 7])
        #expect(isIdle(queue.nextBatch()))
    }

    @Test func closeWhileIdleReleasesAtOnce() {
        var queue = Queue(maximumBatch: 4)
        guard case .release(let waiters) = queue.closeRequested("a") else { Issue.record("not released"); return }
        #expect(waiters == ["a"])
        #expect(!queue.isOpen)
        guard case .alreadyClosed("b") = queue.closeRequested("b") else { Issue.record("second close"); return }
        guard case .refuse(9) = queue.writeRequested(9) else { Issue.record("write after close accepted"); return }
    }

    @Test func closeWhileWritingCommitsQueuedWritesFirst() {
        var queue = Queue(maximumBatch: 2)
        _ = queue.writeRequested(1)
        #expect(batch(queue.nextBatch()) == [1])
        _ = queue.writeRequested(2)
        _ = queue.writeRequested(3)
        _ = queue.writeRequested(4)
        guard case .wait = queue.closeRequested("a") else { Issue.record("close did not wait"); return }
        guard case .wait = queue.closeRequested("b") else { Issue.record("second close did not wait"); return }
        guard case .refuse(5) = queue.writeRequested(5) else { Issue.record("write while closing accepted"); return }
        #expect(batch(queue.nextBatch()) == [2, 3])
        #expect(batch(queue.nextBatch()) == [4])
        guard case .release(let waiters) = queue.nextBatch() else { Issue.record("not released"); return }
        #expect(waiters == ["a", "b"])
    }

    @Test func aBacklogStartsAnotherWriterUpToTheMaximum() {
        var queue = Queue(maximumBatch: 8, maximumWriters: 2, backlogForAnotherWriter: 3)
        guard case .startWriter = queue.writeRequested(1) else { Issue.record("writer not started"); return }
        #expect(batch(queue.nextBatch()) == [1])
        // Writer 1 is busy: below the backlog the writes wait for it.
        guard case .queued = queue.writeRequested(2), case .queued = queue.writeRequested(3) else {
            Issue.record("a second writer started below the backlog")
            return
        }
        guard case .startWriter = queue.writeRequested(4) else { Issue.record("no second writer for the backlog"); return }
        #expect(queue.writerCount == 2)
        #expect(batch(queue.nextBatch()) == [2, 3, 4], "writer 2 takes the backlog")
        for n in 5...8 {
            guard case .queued = queue.writeRequested(n) else { Issue.record("a third writer started"); return }
        }
        #expect(batch(queue.nextBatch()) == [5, 6, 7, 8], "whichever writer finishes first takes the rest")
        #expect(isIdle(queue.nextBatch()))
        #expect(queue.writerCount == 1)
        #expect(isIdle(queue.nextBatch()))
        #expect(queue.writerCount == 0)
        guard case .startWriter = queue.writeRequested(9) else { Issue.record("idle queue did not start a writer"); return }
    }

    @Test func closeWaitsForTheLastOfSeveralWriters() {
        var queue = Queue(maximumBatch: 8, maximumWriters: 2, backlogForAnotherWriter: 1)
        _ = queue.writeRequested(1)
        #expect(batch(queue.nextBatch()) == [1])
        guard case .startWriter = queue.writeRequested(2) else { Issue.record("no second writer"); return }
        #expect(batch(queue.nextBatch()) == [2])
        guard case .wait = queue.closeRequested("a") else { Issue.record("close did not wait"); return }
        #expect(isIdle(queue.nextBatch()), "one writer stops; the other still commits")
        guard case .release(let waiters) = queue.nextBatch() else { Issue.record("not released by the last"); return }
        #expect(waiters == ["a"])
    }

    // MARK: - Commit spacing

    @Test func underLoadATransactionStartsNoSoonerThanTheSpacingAfterThePrevious() {
        let start = ContinuousClock.now
        var queue = Queue(maximumBatch: 8, minimumCommitSpacing: .milliseconds(20))
        _ = queue.writeRequested(1)
        #expect(batch(queue.nextBatch(now: start)) == [1], "the first write after a quiet spell is committed at once")
        _ = queue.writeRequested(2)
        _ = queue.writeRequested(3)
        // The commit took 5 ms: the writer waits until 20 ms after the first commit started.
        guard case .wait(let until) = queue.nextBatch(now: start + .milliseconds(5)) else {
            Issue.record("no wait within the spacing")
            return
        }
        #expect(until == start + .milliseconds(20))
        _ = queue.writeRequested(4)
        #expect(batch(queue.nextBatch(now: until)) == [2, 3, 4], "everything that came meanwhile shares one transaction")
        #expect(isIdle(queue.nextBatch(now: until + .milliseconds(3))))
        #expect(queue.writerCount == 0)
    }

    @Test func aWriteAfterAQuietSpellIsCommittedAtOnce() {
        let start = ContinuousClock.now
        var queue = Queue(maximumBatch: 8, minimumCommitSpacing: .milliseconds(20))
        _ = queue.writeRequested(1)
        #expect(batch(queue.nextBatch(now: start)) == [1])
        #expect(isIdle(queue.nextBatch(now: start + .milliseconds(1))))
        guard case .startWriter = queue.writeRequested(2) else { Issue.record("writer not restarted"); return }
        // Restarted within the spacing: it waits out the rest of it.
        guard case .wait(let until) = queue.nextBatch(now: start + .milliseconds(8)) else {
            Issue.record("a restarted writer did not wait out the spacing")
            return
        }
        #expect(until == start + .milliseconds(20))
        #expect(batch(queue.nextBatch(now: until)) == [2])
        #expect(isIdle(queue.nextBatch(now: until + .milliseconds(1))))
        // Long after the last commit started: at once.
        _ = queue.writeRequested(3)
        #expect(batch(queue.nextBatch(now: until + .milliseconds(21))) == [3])
    }

    @Test func aFullBatchOrAClosingStoreDoesNotWait() {
        let start = ContinuousClock.now
        var queue = Queue(maximumBatch: 3, minimumCommitSpacing: .seconds(1))
        _ = queue.writeRequested(1)
        #expect(batch(queue.nextBatch(now: start)) == [1])
        for n in 2...5 { _ = queue.writeRequested(n) }
        #expect(batch(queue.nextBatch(now: start + .milliseconds(1))) == [2, 3, 4], "a full batch goes at once")
        guard case .wait = queue.nextBatch(now: start + .milliseconds(2)) else {
            Issue.record("the rest did not wait")
            return
        }
        guard case .wait = queue.closeRequested("a") else { Issue.record("close did not wait"); return }
        #expect(batch(queue.nextBatch(now: start + .milliseconds(3))) == [5], "closing flushes without waiting")
        guard case .release(let waiters) = queue.nextBatch(now: start + .milliseconds(4)) else {
            Issue.record("not released")
            return
        }
        #expect(waiters == ["a"])
    }
}

extension GroupCommitQueue {
    /// The tests without spacing ask at the real time.
    fileprivate mutating func nextBatch() -> NextAction { nextBatch(now: .now) }
}
