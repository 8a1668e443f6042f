// Secrets stay out of every textual form: `"\(value)"`, `String(reflecting:)`, `dump` and debugger mirrors.

extension AMQPTLSConfiguration: CustomStringConvertible, CustomReflectable {
    /// The TLS settings with the key password masked.
    public var description: String {
        var parts = ["verifyPeer: \(verifyPeer)", "verifyHostname: \(verifyHostname)"]
        if let caFile { parts.append("caFile: \(caFile)") }
        if let certificateFile { parts.append("certificateFile: \(certificateFile)") }
        if let keyFile { parts.append("keyFile: \(keyFile)") }
        if keyPassword != nil { parts.append("keyPassword: ***") }
        return "AMQPTLSConfiguration(\(parts.joined(separator: ", ")))"
    }

    /// A mirror without the key password (which `dump` would otherwise print).
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "caFile": caFile as Any, "certificateFile": certificateFile as Any, "keyFile": keyFile as Any,
                "keyPassword": keyPassword == nil ? "nil" : "***", "verifyPeer": verifyPeer,
                "verifyHostname": verifyHostname,
            ], displayStyle: .struct)
    }
}

extension AMQPConfiguration: CustomReflectable {
    /// A mirror without the password (which `dump` would otherwise print).
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": host, "port": port, "user": user, "password": "***", "virtualHost": virtualHost,
                "tls": tls as Any, "heartbeat": heartbeat, "frameMax": frameMax, "connectionName": connectionName as Any,
                "connectTimeout": connectTimeout, "rpcTimeout": rpcTimeout, "confirmTimeout": confirmTimeout,
                "reconnectInitialDelay": reconnectInitialDelay, "reconnectMaxDelay": reconnectMaxDelay,
            ], displayStyle: .struct)
    }
}
