import BridgeCore
import Testing

/// `store.url` parsing: pure, no database.
@Suite struct PostgresStoreURLTests {
    @Test func everyPartIsRead() throws {
        let url = try PostgresStoreURL(parsing: "postgres://bridge:s3cr%40t%2Fx@db.example:6543/smpp?sslmode=require")
        #expect(url.user == "bridge")
        #expect(url.password == "s3cr@t/x")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.database == "smpp")
        #expect(url.tlsMode == .require)
        #expect(url.description == "postgres://bridge@db.example:6543/smpp?sslmode=require")
        // An '@' with no '/' after it in the credentials is read as written.
        #expect(try PostgresStoreURL(parsing: "postgres://bridge:p@ss@db/smpp").password == "p@ss")
    }

    @Test func defaultsAreLibpqs() throws {
        let url = try PostgresStoreURL(parsing: "postgresql://bridge@localhost")
        #expect(url.port == 5432)
        #expect(url.database == "bridge")
        #expect(url.password == nil)
        #expect(url.tlsMode == .prefer)
        let ipv6 = try PostgresStoreURL(parsing: "postgres://u:p@[::1]:7000/d?sslmode=disable")
        #expect(ipv6.host == "::1" && ipv6.port == 7000 && ipv6.tlsMode == .disable)
        #expect(ipv6.endpoint == "[::1]:7000")
        let at = try PostgresStoreURL(parsing: "postgres://u:p@ss@h/d")
        #expect(at.password == "p@ss" && at.host == "h")
    }

    @Test func verifyModesAndTheirRootCertificate() throws {
        let full = try PostgresStoreURL(
            parsing: "postgres://u:p@db.example/d?sslmode=verify-full&sslrootcert=/etc/ssl/our%20ca.pem")
        #expect(full.tlsMode == .verifyFull && full.tlsMode.verifiesCertificate)
        #expect(full.sslRootCertificate == "/etc/ssl/our ca.pem")
        #expect(full.description == "postgres://u@db.example:5432/d?sslmode=verify-full&sslrootcert=/etc/ssl/our ca.pem")
        let ca = try PostgresStoreURL(parsing: "postgres://u:p@db.example/d?sslmode=verify-ca")
        #expect(ca.tlsMode == .verifyCA && ca.sslRootCertificate == nil)
        #expect(!(try PostgresStoreURL(parsing: "postgres://u:p@h/d?sslmode=require")).tlsMode.verifiesCertificate)
    }

    @Test(arguments: [
        "mysql://u:Secret-99@h/d", "postgres://Secret-99@/d", "postgres://:Secret-99@h/d", "postgres://u:Secret-99@h:0/d",
        "postgres://u:Secret-99@h:x/d", "postgres://u:Secret-99@h/d?sslmode=verify", "postgres://u:Secret-99@h/d?a=b",
        "postgres://u:Secret-99@h/d?sslrootcert=",
        "postgres://u:Secret-99%zz@h/d", "postgres://h/d",
        // An unencoded '@' in the database name: would read as password `Secret-99@db/orders` at host `eu` (an '@'
        // with no '/' after it is read as written: `everyPartIsRead`).
        "postgres://u:Secret-99@db/orders@eu",
    ])
    func malformedURLsAreRefusedWithoutQuotingThem(text: String) {
        do {
            _ = try PostgresStoreURL(parsing: text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(!error.description.contains("Secret-99"), "\(error)")
            #expect(!error.description.isEmpty)
        }
    }
}
