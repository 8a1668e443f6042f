import Foundation
import NIOSSL

extension BridgeConfiguration {
    /// The files the configuration names that this machine cannot use: a TLS CA or certificate that cannot be read
    /// or holds no PEM certificate, a key file that cannot be read. One line each, the key first (`smpp.tls.ca_file:
    /// /etc/ca.pem cannot be read`); the files' contents are never quoted. `smpp-bridge check-config` reports them
    /// (the most common onboarding mistake would otherwise show only when `run` starts).
    public func fileProblems() -> [String] {
        var problems: [String] = []
        func certificates(_ key: String, _ path: String?) {
            guard let path else { return }
            guard FileManager.default.isReadableFile(atPath: path) else {
                problems.append("\(key): \(path) cannot be read")
                return
            }
            if (try? NIOSSLCertificate.fromPEMFile(path))?.isEmpty != false {
                problems.append("\(key): \(path) holds no PEM certificate")
            }
        }
        func key(_ key: String, _ path: String?) {
            guard let path, !FileManager.default.isReadableFile(atPath: path) else { return }
            problems.append("\(key): \(path) cannot be read")
        }
        if smpp.tls.enabled {
            certificates("smpp.tls.ca_file", smpp.tls.caFile)
            certificates("smpp.tls.cert_file", smpp.tls.certificateFile)
            key("smpp.tls.key_file", smpp.tls.keyFile)
        }
        if let tls = amqp.tls {
            certificates("amqp.tls.ca_file", tls.caFile)
            certificates("amqp.tls.cert_file", tls.certificateFile)
            key("amqp.tls.key_file", tls.keyFile)
        }
        return problems
    }
}
