/// A correlation's key list in one TEXT column: each key as `<UTF-8 length>:<key>`, so any key text survives.
enum CorrelationKeys {
    static func encode(_ keys: [String]) -> String {
        var text = ""
        for key in keys { text += "\(key.utf8.count):\(key)" }
        return text
    }

    /// The keys, or nil when `text` is not an encoded list.
    static func decode(_ text: String) -> [String]? {
        var keys: [String] = []
        var rest = Substring(text).utf8[...]
        while !rest.isEmpty {
            guard let colon = rest.firstIndex(of: UInt8(ascii: ":")),
                let length = Int(String(decoding: rest[..<colon], as: UTF8.self)), length >= 0
            else { return nil }
            let start = rest.index(after: colon)
            guard let end = rest.index(start, offsetBy: length, limitedBy: rest.endIndex) else { return nil }
            keys.append(String(decoding: rest[start..<end], as: UTF8.self))
            rest = rest[end...]
        }
        return keys
    }
}

/// How both stores present MO groups for the timeout sweep.
enum MOGroups {
    /// `parts` split into groups, each in part order, the group whose first part arrived earliest first (then by key).
    static func grouped(_ parts: [StoredMOPart]) -> [[StoredMOPart]] {
        var groups: [String: [StoredMOPart]] = [:]
        for part in parts { groups[part.groupKey, default: []].append(part) }
        return groups.values
            .map { $0.sorted { $0.index < $1.index } }
            .sorted { left, right in
                let leftFirst = left.map(\.receivedAt).min()!
                let rightFirst = right.map(\.receivedAt).min()!
                return leftFirst != rightFirst ? leftFirst < rightFirst : left[0].groupKey < right[0].groupKey
            }
    }
}
