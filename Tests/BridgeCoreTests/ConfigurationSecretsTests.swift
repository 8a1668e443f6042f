@testable import BridgeCore
import Foundation
import Testing

@Suite struct ConfigurationSecretsTests {
    static let smppPassword = "Zq7#pW9x"
    static let amqpPassword = "Amqp-Secret-4711"
    static let storePassword = "Store-Secret-0815"
    static let keyPassword = "Key-Secret-2468"
    static var allSecrets: [String] { [smppPassword, amqpPassword, storePassword, keyPassword] }

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func load(environment: [String: String], secretsDirectory: String, configFile: String? = nil)
        async throws(BridgeConfigurationError) -> BridgeConfiguration
    {
        try await BridgeConfiguration.load(
            environment: environment, configFile: configFile, secretsDirectory: secretsDirectory)
    }

    static let base = ["SMPP_HOST": "smsc.test", "SMPP_SYSTEM_ID": "bridge", "AMQP_URL": "amqp://127.0.0.1/"]

    @Test func secretsNeverAppearInEffectiveLines() async throws {
        let configuration = try await ConfigFixture.load(
            environment: [
                "smpp.host": "smsc.test", "smpp.system_id": "bridge", "smpp.password": Self.smppPassword,
                "amqp.url": "amqps://bridge:\(Self.amqpPassword)@localhost/", "amqp.tls.key_password": Self.keyPassword,
                "store.url": "postgres://bridge:\(Self.storePassword)@db/bridge",
            ])
        #expect(configuration.smpp.password == Self.smppPassword)
        #expect(configuration.amqp.password == Self.amqpPassword)
        #expect(configuration.amqp.tls?.keyPassword == Self.keyPassword)
        #expect(configuration.store.url == "postgres://bridge:\(Self.storePassword)@db/bridge")
        let text = configuration.effectiveLines().joined(separator: "\n")
        for secret in Self.allSecrets { #expect(!text.contains(secret)) }
        for key in ["smpp.password", "amqp.url", "amqp.tls.key_password", "store.url"] {
            #expect(configuration.effectiveLines().contains("\(key) = ********"))
        }
    }

    /// An empty secret variable (compose's `${SMPP_PASSWORD}` with nothing on the host) replaced the secret file
    /// silently and check-config showed `********`: a file holding the secret wins now; alone, the empty value
    /// stands (an account without a password) and check-config says `(empty)`.
    @Test func anEmptySecretVariableIsNoValue() async throws {
        let directory = try ConfigFixture.directory()
        try Self.write(Self.smppPassword + "\n", to: directory + "/smpp_password")
        let fromFile = try await Self.load(
            environment: Self.base.merging(["SMPP_PASSWORD": ""]) { $1 }, secretsDirectory: directory)
        #expect(fromFile.smpp.password == Self.smppPassword)
        let passwordFile = directory + "/password.txt"
        try Self.write(Self.smppPassword, to: passwordFile)
        let fromFileVariable = try await Self.load(
            environment: Self.base.merging(["SMPP_PASSWORD": "", "SMPP_PASSWORD_FILE": passwordFile]) { $1 },
            secretsDirectory: try ConfigFixture.directory())
        #expect(fromFileVariable.smpp.password == Self.smppPassword, "no 'both set' problem for an empty variable")
        let alone = try await Self.load(
            environment: Self.base.merging(["SMPP_PASSWORD": ""]) { $1 }, secretsDirectory: try ConfigFixture.directory())
        #expect(alone.smpp.password == "")
        #expect(alone.effectiveLines().contains("smpp.password = (empty)"))
    }

    @Test func secretsNeverAppearInProblems() async {
        let problems = await ConfigFixture.problems(environment: [
            "smpp.host": "smsc.test", "smpp.system_id": "bridge", "smpp.password": Self.smppPassword + "-too-long",
            "amqp.url": "amqp://bridge:\(Self.amqpPassword)@localhost:99999/",
            "store.url": "mysql://bridge:\(Self.storePassword)@db/bridge",
        ])
        #expect(problems.map { String($0.prefix { $0 != ":" }) } == ["smpp.password", "amqp.url", "store.url"])
        for secret in Self.allSecrets { #expect(!problems.joined().contains(secret)) }
    }

    @Test func aYAMLSyntaxErrorDoesNotQuoteTheFile() async throws {
        let directory = try ConfigFixture.directory()
        let file = directory + "/broken.yaml"
        try Self.write("smpp:\n  password: \"\(Self.smppPassword)\n  host: [x\n", to: file)
        do {
            _ = try await Self.load(environment: Self.base, secretsDirectory: directory, configFile: file)
            Issue.record("loaded a broken file")
        } catch {
            #expect(error.problems.first?.hasPrefix(file + ": ") == true, "\(error.problems)")
            #expect(!error.problems.joined().contains(Self.smppPassword))
        }
    }

    @Test func secretsComeFromFileVariablesWithoutTheirTrailingNewline() async throws {
        let directory = try ConfigFixture.directory()
        try Self.write(Self.smppPassword + "\n", to: directory + "/smpp-password.txt")
        try Self.write("postgres://bridge:\(Self.storePassword)@db/x\r\n", to: directory + "/store")
        let empty = try ConfigFixture.directory()
        var environment = Self.base
        environment["SMPP_PASSWORD_FILE"] = directory + "/smpp-password.txt"
        environment["STORE_URL_FILE"] = directory + "/store"
        let configuration = try await Self.load(environment: environment, secretsDirectory: empty)
        #expect(configuration.smpp.password == Self.smppPassword)
        #expect(configuration.store.url == "postgres://bridge:\(Self.storePassword)@db/x")
    }

    @Test func aVariableAndItsFileVariableTogetherAreAProblem() async throws {
        let directory = try ConfigFixture.directory()
        try Self.write("x", to: directory + "/pw")
        var environment = Self.base
        environment["SMPP_PASSWORD"] = "y"
        environment["SMPP_PASSWORD_FILE"] = directory + "/pw"
        do {
            _ = try await Self.load(environment: environment, secretsDirectory: directory)
            Issue.record("loaded with both")
        } catch {
            #expect(error.problems == ["smpp.password: both SMPP_PASSWORD and SMPP_PASSWORD_FILE are set; use one"])
        }
    }

    @Test func anUnreadableFileVariableNamesItsKey() async throws {
        let directory = try ConfigFixture.directory()
        var environment = Self.base
        environment["SMPP_PASSWORD"] = "pw"
        environment["AMQP_URL_FILE"] = directory + "/missing"
        environment.removeValue(forKey: "AMQP_URL")
        do {
            _ = try await Self.load(environment: environment, secretsDirectory: directory)
            Issue.record("loaded without the file")
        } catch {
            #expect(error.problems.first == "amqp.url: AMQP_URL_FILE \(directory)/missing cannot be read")
        }
    }

    @Test func secretsComeFromTheSecretsDirectoryUnderEitherName() async throws {
        let directory = try ConfigFixture.directory()
        try Self.write(Self.smppPassword + "\n", to: directory + "/smpp_password")
        try Self.write("amqp://bridge:\(Self.amqpPassword)@localhost/", to: directory + "/AMQP_URL")
        var environment = Self.base
        environment.removeValue(forKey: "AMQP_URL")
        let configuration = try await Self.load(environment: environment, secretsDirectory: directory)
        #expect(configuration.smpp.password == Self.smppPassword)
        #expect(configuration.amqp.password == Self.amqpPassword)
    }

    @Test func secretPrecedenceIsVariableThenFileVariableThenDirectoryThenYAML() async throws {
        let directory = try ConfigFixture.directory()
        let secrets = try ConfigFixture.directory()
        let yaml = try ConfigFixture.yamlFile(
            ["smpp.password": "fromyaml", "amqp.tls.key_password": "fromyaml", "store.url": "postgres://u@yaml/db"],
            in: directory)
        try Self.write("fromdir", to: secrets + "/smpp_password")
        try Self.write("fromdir", to: secrets + "/amqp_tls_key_password")
        try Self.write("postgres://u@dir/db", to: secrets + "/store_url")
        try Self.write("fromfile", to: directory + "/pw")
        var environment = Self.base
        environment["AMQP_URL"] = "amqps://localhost/"
        environment["SMPP_PASSWORD"] = "fromenv"
        environment["AMQP_TLS_KEY_PASSWORD_FILE"] = directory + "/pw"
        let configuration = try await Self.load(environment: environment, secretsDirectory: secrets, configFile: yaml)
        #expect(configuration.smpp.password == "fromenv")
        #expect(configuration.amqp.tls?.keyPassword == "fromfile")
        #expect(configuration.store.url == "postgres://u@dir/db")
        let onlyYAML = try await Self.load(
            environment: Self.base.merging(["AMQP_URL": "amqps://localhost/"]) { $1 },
            secretsDirectory: try ConfigFixture.directory(), configFile: yaml)
        #expect(onlyYAML.smpp.password == "fromyaml")
        #expect(onlyYAML.amqp.tls?.keyPassword == "fromyaml")
        #expect(onlyYAML.store.url == "postgres://u@yaml/db")
    }

    /// The "bridge running" line names the store in use: the PostgreSQL URL without its password, else the file.
    @Test func theStartLineNamesTheStoreWithoutItsPassword() {
        var store = StoreSettings()
        store.path = "/var/lib/smpp-bridge/store.sqlite"
        #expect(Bridge.storeDescription(store) == "/var/lib/smpp-bridge/store.sqlite")
        store.url = "postgres://bridge:s3cr3t@db.internal:5432/smpp"
        let described = Bridge.storeDescription(store)
        #expect(described.contains("db.internal:5432/smpp") && !described.contains("s3cr3t"))
        store.url = "postgres://bridge:s3cr3t@"
        #expect(!Bridge.storeDescription(store).contains("s3cr3t"))
    }
}
