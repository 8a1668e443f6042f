import NIOCore
import SMPP

/// A receipt waiting for its time.
struct DueReceipt: Sendable {
    /// When it is due.
    var due: NIODeadline
    /// The message it is about.
    var record: SubmitRecord
    /// The id the receipt carries.
    var receiptID: String
    /// Its stat.
    var stat: ReceiptStat
    /// The account whose sessions may take it.
    var account: String
}

/// Receipts in time order per step (the first receipt of a message is step 0, a final one after an intermediate
/// step 1, …): every receipt of one step has the same delay, so each step's list is already in due order.
struct DueReceiptQueue: Sendable {
    private var steps: [[DueReceipt]] = []
    private var heads: [Int] = []
    /// When the tick that releases the next receipts is scheduled, if one is.
    var tickAt: NIODeadline?

    var isEmpty: Bool { nextDue == nil }

    mutating func add(_ receipt: DueReceipt, step: Int) {
        while steps.count <= step {
            steps.append([])
            heads.append(0)
        }
        steps[step].append(receipt)
    }

    /// Removes and returns every receipt due at `now`, step by step.
    mutating func takeDue(now: NIODeadline) -> [DueReceipt] {
        var due: [DueReceipt] = []
        for step in steps.indices {
            while heads[step] < steps[step].count, steps[step][heads[step]].due <= now {
                due.append(steps[step][heads[step]])
                heads[step] += 1
            }
            if heads[step] == steps[step].count {
                steps[step].removeAll(keepingCapacity: true)
                heads[step] = 0
            } else if heads[step] > 1024, heads[step] * 2 > steps[step].count {
                steps[step].removeFirst(heads[step])
                heads[step] = 0
            }
        }
        return due
    }

    /// The earliest due time left.
    var nextDue: NIODeadline? {
        steps.indices.compactMap { heads[$0] < steps[$0].count ? steps[$0][heads[$0]].due : nil }.min()
    }
}

extension SimulatorCore {
    /// Receipts come out in ticks at least this far apart: those due together go to each session as one batch (one
    /// task on its event loop, one flush), as an SMSC under load sends them, instead of a timer, a hop and a write
    /// each. A receipt is at most this much later than its delay.
    static let receiptTick = TimeAmount.milliseconds(5)

    /// Queues a receipt for `due`; the tick that releases it is scheduled unless an earlier one already is.
    func addDueReceipt(_ receipt: DueReceipt, step: Int) {
        let tick = state.withLockedValue { state -> NIODeadline? in
            guard !state.stopped else { return nil }
            state.dueReceipts.add(receipt, step: step)
            if let tickAt = state.dueReceipts.tickAt, tickAt <= receipt.due { return nil }
            state.dueReceipts.tickAt = receipt.due
            return receipt.due
        }
        if let tick { loop.scheduleTask(deadline: tick) { [self] in releaseDueReceipts(tick: tick) } }
    }

    /// Sends every receipt due now; the tick scheduled last (`tick` is its time) schedules the next one.
    private func releaseDueReceipts(tick: NIODeadline) {
        let now = NIODeadline.now()
        let (due, next) = state.withLockedValue { state -> ([DueReceipt], NIODeadline?) in
            guard !state.stopped else { return ([], nil) }
            let due = state.dueReceipts.takeDue(now: now)
            // Only the tick the queue waits for schedules the next one: a tick superseded by an earlier one (a
            // receipt due sooner was added) just releases what is due.
            guard state.dueReceipts.tickAt == tick else { return (due, nil) }
            guard let nextDue = state.dueReceipts.nextDue else {
                state.dueReceipts.tickAt = nil
                return (due, nil)
            }
            let next = max(nextDue, now + Self.receiptTick)
            state.dueReceipts.tickAt = next
            return (due, next)
        }
        if let next { loop.scheduleTask(deadline: next) { [self] in releaseDueReceipts(tick: next) } }
        guard !due.isEmpty else { return }
        let doneDate = wallClockMilliseconds() / 1000
        enqueue(due.map { receipt in
            (DeliveryReceiptBuilder.deliverSM(
                for: receipt.record, receiptID: receipt.receiptID, stat: receipt.stat, doneDate: doneDate),
             receipt.account)
        }, isReceipt: true)
    }
}
