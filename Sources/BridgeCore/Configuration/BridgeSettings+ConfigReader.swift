import Logging

extension StoreSettings {
    /// Reads `store.*`; problems go to `keys`. `store.url` is read as a secret and parsed
    /// (`PostgresStoreURL`).
    init(reading keys: inout ConfigKeyCollector) {
        self.init()
        if let value = keys.string("path", maxLength: 4_096, allowEmpty: false) { path = value }
        if let value = keys.string("url", maxLength: 4_096, isSecret: true) {
            // The value is a secret: the reason must not quote it (PostgresStoreURL's reasons never do).
            do {
                _ = try PostgresStoreURL(parsing: value)
                url = value
            } catch {
                keys.fail("url", "must be a postgres:// or postgresql:// URL (postgres://user:password@host:port/"
                    + "database[?sslmode=…&sslrootcert=FILE]): it \(error.description)")
            }
        }
        if let value = keys.duration("ttl", maximum: .seconds(3_650 * 86_400)) { ttl = value }
    }
}

extension ClusterSettings {
    /// The shortest `cluster.takeover_after` accepted.
    static let minimumTakeoverAfter = Duration.seconds(3)

    /// Reads `cluster.*`; problems go to `keys`.
    init(reading keys: inout ConfigKeyCollector) {
        self.init()
        if let value = keys.string("instance_id", maxLength: 255, allowEmpty: false) { instanceID = value }
        if let value = keys.duration("takeover_after", maximum: .seconds(86_400)) {
            if value < Self.minimumTakeoverAfter {
                keys.fail("takeover_after", "must be at least \(Int(Self.minimumTakeoverAfter.components.seconds)) seconds: "
                    + "a lease round (a third of it) needs several store round trips, and a slot is given up at half of it")
            } else {
                takeoverAfter = value
            }
        }
    }
}

extension HTTPSettings {
    /// Reads `http.*`; problems go to `keys`.
    init(reading keys: inout ConfigKeyCollector) {
        self.init()
        if let value = keys.string("host", maxLength: 255, allowEmpty: false) { host = value }
        if let value = keys.int("port", in: 0...65_535) { port = value }
    }
}

extension LogSettings {
    /// Reads `log.*`; problems go to `keys`.
    init(reading keys: inout ConfigKeyCollector) {
        self.init()
        if let value = keys.choice("level", as: Logger.Level.self) { level = value }
        if let value = keys.choice("format", as: LogFormat.self) { format = value }
    }
}
