import RabbitMQ
import SMPPNIO
import Yams

extension BridgeConfiguration {
    /// Every configuration key (DESIGN §1.4), as `check-config` prints them.
    public static let keys: Set<String> = {
        let placeholder = BridgeConfiguration(
            smpp: SMPPClientConfiguration(host: "", systemID: "", password: ""), amqp: AMQPConfiguration())
        return Set(placeholder.effectiveLines().map { String($0.prefix { $0 != " " }) })
    }()

    /// The keys of a YAML configuration document, nested (`smpp: {tls: {ca_file: …}}`) or dotted, as full dotted
    /// names; nil when the document is empty (only comments). A value that is a list or a scalar is a key; a
    /// mapping is a scope; a null (an empty key) is neither.
    /// - Throws: Yams' error when the text is not YAML.
    static func yamlKeys(_ text: String) throws -> [String]? {
        guard let root = try Yams.compose(yaml: text) else { return nil }
        var keys: [String] = []
        func collect(_ node: Node, scope: String) {
            guard case .mapping(let mapping) = node else {
                // A key left empty (`smpp:` with every child commented out) is no value: not checked.
                if node.null == nil { keys.append(scope) }
                return
            }
            for (key, value) in mapping {
                let name = key.string ?? "\(key)"
                collect(value, scope: scope.isEmpty ? name : scope + "." + name)
            }
        }
        guard case .mapping = root else { return [] }  // the file provider refuses it, naming the file
        collect(root, scope: "")
        return keys
    }

    /// One problem per key of the YAML file that is not a configuration key (a misspelt key would otherwise be
    /// ignored and its default used), with the nearest known key when one is close.
    static func unknownKeyProblems(_ keys: [String], file: String) -> [String] {
        keys.filter { !Self.keys.contains($0) }.map { key in
            let hint = nearestKey(to: key).map { "; did you mean \($0)?" } ?? ""
            return "\(key): is not a configuration key (in \(file))\(hint)"
        }
    }

    /// The known key within a few edits of `key`, if any.
    static func nearestKey(to key: String) -> String? {
        let limit = 3
        var best: (key: String, distance: Int)?
        for candidate in Self.keys.sorted() {
            let distance = editDistance(Array(key.utf8), Array(candidate.utf8))
            if distance <= limit, distance < best?.distance ?? .max { best = (candidate, distance) }
        }
        return best?.key
    }

    /// Levenshtein distance over bytes.
    private static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
