/// A first-in first-out queue on one array: taking from the front advances an index instead of moving the rest, and
/// the taken front is dropped once it is at least `compactionThreshold` entries and half the array (or when the
/// queue empties) — amortised O(1), and a queue that never empties still holds only what waits in it (about twice).
struct HeadIndexedQueue<Element> {
    private var items: [Element] = []
    private var head = 0
    /// Taken entries at the front that make it worth moving the rest down.
    let compactionThreshold: Int

    init(compactionThreshold: Int = 1024) {
        self.compactionThreshold = max(compactionThreshold, 1)
    }

    /// Entries waiting.
    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }
    /// Entries the array holds, taken ones not yet dropped included (for tests).
    var storedCount: Int { items.count }

    mutating func append(_ element: Element) {
        items.append(element)
    }

    /// Takes the oldest entry, if any.
    mutating func popFirst() -> Element? {
        guard head < items.count else { return nil }
        let element = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= compactionThreshold, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Drops every entry.
    mutating func removeAll() {
        items.removeAll()
        head = 0
    }
}
