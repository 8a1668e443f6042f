extension ReceiptDate {
    /// Creates a date from its components (no validation; `format` writes them as given).
    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The 10-digit Appendix B form `YYMMDDhhmm`.
    public var appendixB: String {
        func two(_ value: Int) -> String {
            let clamped = ((value % 100) + 100) % 100
            return clamped < 10 ? "0\(clamped)" : "\(clamped)"
        }
        return two(year) + two(month) + two(day) + two(hour) + two(minute)
    }
}

extension DeliveryReceipt {
    /// The Appendix B receipt text (reference/SMPP-3.4.md §7), as an SMSC or the simulator writes it:
    /// `id:… sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:…`.
    /// `text` is cut to its first 20 characters, as the specification says.
    public static func format(
        id: String,
        state: ReceiptState,
        submitDate: ReceiptDate,
        doneDate: ReceiptDate,
        error: String = "000",
        submitted: Int = 1,
        delivered: Int? = nil,
        text: String = ""
    ) -> String {
        func three(_ value: Int) -> String {
            let clamped = min(max(value, 0), 999)
            return String(repeating: "0", count: 3 - String(clamped).count) + String(clamped)
        }
        let deliveredCount = delivered ?? (state == .delivered ? submitted : 0)
        return "id:\(id) sub:\(three(submitted)) dlvrd:\(three(deliveredCount)) submit date:\(submitDate.appendixB)"
            + " done date:\(doneDate.appendixB) stat:\(state.stat) err:\(error) text:\(text.prefix(20))"
    }
}
