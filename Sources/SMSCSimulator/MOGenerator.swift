/// One MO deliver_sm's content, before it gets a session and sequence number.
public struct MOPart: Sendable, Hashable {
    /// esm_class: 0x00, or 0x40 (UDHI) for a part of a long message.
    public var esmClass: UInt8
    /// data_coding: 0 (GSM 7-bit, unpacked; the generated text uses only characters GSM and ASCII share).
    public var dataCoding: UInt8
    /// short_message: the UDH (`05 00 03 RR TT SS`) if any, then the text.
    public var shortMessage: [UInt8]
}

/// Makes the MO traffic: numbered GSM 7-bit texts, a configurable fraction of them long (2–4 parts with an
/// 8-bit-reference UDH, handed out in an order that is never the natural one).
public struct MOGenerator: Sendable {
    /// Fraction of messages that are long.
    public var longFraction: Double
    private var counter: UInt64 = 0
    private var reference: UInt8 = 0

    /// The text bytes per part of a long message (153 septets, reference §8).
    public static let partCapacity = 153

    /// Creates a generator.
    public init(longFraction: Double) {
        self.longFraction = longFraction
    }

    /// The parts of the next MO message, in the order they are to be sent.
    public mutating func next(using random: inout SimulatorRandom) -> [MOPart] {
        counter &+= 1
        guard random.chance(longFraction) else {
            let text = Array("MO \(counter) hello from the simulator".utf8)
            return [MOPart(esmClass: 0x00, dataCoding: 0x00, shortMessage: text)]
        }
        let total = 2 + Int(random.next() % 3)
        let text = Self.longText(number: counter, length: Self.partCapacity * (total - 1) + 40)
        reference &+= 1
        var parts: [MOPart] = []
        for index in 0..<total {
            let start = index * Self.partCapacity
            let end = min(start + Self.partCapacity, text.count)
            let udh: [UInt8] = [0x05, 0x00, 0x03, reference, UInt8(total), UInt8(index + 1)]
            parts.append(MOPart(esmClass: 0x40, dataCoding: 0x00, shortMessage: udh + text[start..<end]))
        }
        return Self.outOfOrder(parts, using: &random)
    }

    /// A text of `length` characters that starts with the message number and cycles through letters and digits.
    static func longText(number: UInt64, length: Int) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ".utf8)
        var text = Array("Long MO \(number): ".utf8)
        var index = 0
        while text.count < length {
            text.append(alphabet[index % alphabet.count])
            index += 1
        }
        return Array(text.prefix(length))
    }

    /// A random permutation that differs from the input order (for two or more elements).
    static func outOfOrder<T>(_ items: [T], using random: inout SimulatorRandom) -> [T] {
        guard items.count > 1 else { return items }
        var order = Array(items.indices)
        order.shuffle(using: &random)
        if order == Array(items.indices) {
            order.append(order.removeFirst())
        }
        return order.map { items[$0] }
    }
}
