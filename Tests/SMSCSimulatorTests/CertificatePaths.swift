/// Paths of the committed test-only certificates in Tests/Certificates (for localhost and 127.0.0.1).
enum CertificatePaths {
    static let directory: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)
        return parts.joined(separator: "/") + "/Certificates"
    }()
    static var ca: String { directory + "/ca.pem" }
    static var serverCertificate: String { directory + "/server.pem" }
    static var serverKey: String { directory + "/server.key" }
    static var clientCertificate: String { directory + "/client.pem" }
    static var clientKey: String { directory + "/client.key" }
    static var otherCA: String { directory + "/other-ca.pem" }
}
