@testable import BridgeCore
import Foundation
import PostgresNIO
import Testing

/// `sslmode` against the private PostgreSQL, which deploy/postgres.sh starts with TLS on and the test certificates
/// (CN localhost, IP 127.0.0.1, signed by Tests/Certificates/ca.pem).
@Suite struct PostgresStoreTLSTests {
    typealias F = StoreFixtures
    typealias DB = PostgresTestDatabase

    static func url(_ mode: PostgresStoreURL.TLSMode, rootCertificate: String? = nil) throws -> PostgresStoreURL {
        var url = try DB.url()
        url.tlsMode = mode
        url.sslRootCertificate = rootCertificate.map(E2EBroker.certificate)
        return url
    }

    /// Whether the store's own connection settings for `url` give an encrypted session (pg_stat_ssl).
    static func sessionIsEncrypted(_ url: PostgresStoreURL) async throws -> Bool {
        let connection = try await PostgresConnection.connect(
            configuration: try PostgresBridgeStore.connectionConfiguration(url: url, connectTimeout: .seconds(5)),
            id: 1, logger: F.logger)
        defer { Task { try? await connection.close() } }
        let rows = try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: F.logger)
        for try await (ssl) in rows.decode(Bool.self) { return ssl }
        return false
    }

    @Test(arguments: [
        (PostgresStoreURL.TLSMode.verifyFull, "127.0.0.1"), (.verifyFull, "localhost"), (.verifyCA, "127.0.0.1"),
        (.require, "127.0.0.1"), (.prefer, "127.0.0.1"),
    ])
    func encryptedModesOpenTheStore(mode: PostgresStoreURL.TLSMode, host: String) async throws {
        var url = try Self.url(mode, rootCertificate: "ca.pem")
        url.host = host
        #expect(try await Self.sessionIsEncrypted(url), "\(mode) to \(host) is encrypted")
        let schema = DB.uniqueSchema("tls")
        let store = try await PostgresBridgeStore(url: url, schema: schema, logger: F.logger)
        #expect(try await store.beginRequest(id: "tls-1", at: Date()) == nil)
        await store.close()
        await DB.dropSchema(schema)
    }

    @Test func disableIsPlain() async throws {
        #expect(try await !Self.sessionIsEncrypted(try Self.url(.disable)))
    }

    /// A server certificate from another authority: verify-full and verify-ca refuse it, naming host:port and never
    /// the password; require (no verification) still connects.
    @Test(arguments: [PostgresStoreURL.TLSMode.verifyFull, .verifyCA])
    func anotherAuthorityIsRefused(mode: PostgresStoreURL.TLSMode) async throws {
        let url = try Self.url(mode, rootCertificate: "other-ca.pem")
        let error = await F.expectError(.cannotOpen) {
            _ = try await PostgresBridgeStore(
                url: url, schema: DB.uniqueSchema(), logger: F.logger, connectionTimeout: .seconds(5))
        }
        let text = try #require(error).description
        #expect(text.contains(url.endpoint), "\(text)")
        #expect(text.contains("CERTIFICATE_VERIFY_FAILED"), "\(text)")
        #expect(!text.contains(url.password ?? "-"), "\(text)")
    }

    @Test func anUnreadableRootCertificateIsNamed() async throws {
        var url = try Self.url(.verifyFull)
        url.sslRootCertificate = "/nonexistent/ca.pem"
        let error = await F.expectError(.cannotOpen) {
            _ = try await PostgresBridgeStore(url: url, schema: DB.uniqueSchema(), logger: F.logger)
        }
        #expect(error?.description.contains("sslrootcert /nonexistent/ca.pem") == true, "\(String(describing: error))")
    }
}
