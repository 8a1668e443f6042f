public import Configuration

import Foundation

extension BridgeConfiguration {
    /// The keys whose values are secrets: read as secrets, never printed, and also taken from files.
    public static let secretKeys = ["smpp.password", "amqp.url", "amqp.tls.key_password", "store.url"]

    /// Where secret files are looked for when no directory is given and this one exists (Docker and Kubernetes
    /// mount secrets there).
    public static let defaultSecretsDirectory = "/run/secrets"

    /// Reads the configuration from, in order of precedence:
    /// 1. environment variables: key `smpp.tls.ca_file` is `SMPP_TLS_CA_FILE` (exact upper-case names);
    /// 2. for a secret (``secretKeys``), a file named by `<VARIABLE>_FILE`, e.g. `SMPP_PASSWORD_FILE=/path`
    ///    (setting both `SMPP_PASSWORD` and `SMPP_PASSWORD_FILE` is a problem);
    /// 3. for a secret, a file in `secretsDirectory` (default ``defaultSecretsDirectory`` when it exists) named
    ///    `smpp_password`, `SMPP_PASSWORD`, `smpp.password` or `smpp-password` (first found wins);
    /// 4. the YAML file `configFile`, nested (`smpp: {tls: {ca_file: …}}`) or with dotted keys; a key in it that is
    ///    not a configuration key is a problem (a misspelling would leave the default in force), and a file with
    ///    nothing but comments is an empty configuration;
    /// 5. the defaults.
    ///
    /// A secret file's trailing line breaks are removed; anything else in it is the value.
    /// - Throws: ``BridgeConfigurationError`` with every problem: unreadable files, and every key that
    ///   ``init(configReader:)`` refuses. Never a secret's value.
    public static func load(
        environment: [String: String], configFile: String?, secretsDirectory: String?
    ) async throws(BridgeConfigurationError) -> BridgeConfiguration {
        var (providers, problems, fileKeys) = await sources(
            environment: environment, configFile: configFile, secretsDirectory: secretsDirectory)
        if let configFile { problems += unknownKeyProblems(fileKeys, file: configFile) }
        let configuration: BridgeConfiguration
        do {
            configuration = try BridgeConfiguration(configReader: ConfigReader(providers: providers))
        } catch {
            problems += error.problems
            throw BridgeConfigurationError(problems: problems)
        }
        guard problems.isEmpty else { throw BridgeConfigurationError(problems: problems) }
        return configuration
    }

    /// The reader ``load(environment:configFile:secretsDirectory:)`` reads from, with the same sources and
    /// precedence, for tools that need only part of the configuration (`smpp-bridge send` reads `amqp.*`).
    /// - Throws: ``BridgeConfigurationError`` when a file cannot be read (the YAML file, a secret file).
    public static func configReader(
        environment: [String: String], configFile: String?, secretsDirectory: String?
    ) async throws(BridgeConfigurationError) -> ConfigReader {
        let (providers, problems, _) = await sources(
            environment: environment, configFile: configFile, secretsDirectory: secretsDirectory)
        guard problems.isEmpty else { throw BridgeConfigurationError(problems: problems) }
        return ConfigReader(providers: providers)
    }

    /// The providers in precedence order, the files that could not be read, and the keys of the YAML file.
    private static func sources(
        environment: [String: String], configFile: String?, secretsDirectory: String?
    ) async -> ([any ConfigProvider], [String], [String]) {
        var problems: [String] = []
        let secretVariables = Set(secretKeys.map(environmentVariable(for:)))
        // An empty secret variable (compose's `${SMPP_PASSWORD}` when the host has none) gives way to a secret file
        // or the secrets directory holding that secret, instead of silently replacing it; alone it is the (empty)
        // value, as for an SMSC account without a password.
        var environment = environment
        for key in secretKeys {
            let variable = environmentVariable(for: key)
            if environment[variable]?.isEmpty == true, environment[variable + "_FILE"] != nil { environment[variable] = nil }
        }
        let fileSecrets = secretsFromFileVariables(environment, &problems)
        let directorySecrets = secretsFromDirectory(secretsDirectory, &problems)
        for key in secretKeys where directorySecrets[absoluteKey(key)] != nil {
            let variable = environmentVariable(for: key)
            if environment[variable]?.isEmpty == true { environment[variable] = nil }
        }
        var providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(secretVariables)),
            InMemoryProvider(name: "secret files", values: fileSecrets),
            InMemoryProvider(name: "secrets directory", values: directorySecrets),
        ]
        var fileKeys: [String] = []
        if let configFile {
            // Read once more for its keys; an empty document (only comments) is an empty configuration, which the
            // file provider would refuse as "not a mapping". Unreadable or not YAML: the provider says so below.
            if let data = FileManager.default.contents(atPath: configFile) {
                do {
                    guard let keys = try yamlKeys(String(decoding: data, as: UTF8.self)) else {
                        return (providers, problems, [])
                    }
                    fileKeys = keys
                } catch {}
            }
            do {
                let options = YAMLSnapshot.ParsingOptions(secretsSpecifier: .specific(Set(secretKeys)))
                providers.append(try await FileProvider<YAMLSnapshot>(parsingOptions: options, filePath: .init(configFile)))
            } catch {
                let isMissing = !FileManager.default.fileExists(atPath: configFile)
                problems.append("\(configFile): \(yamlProblem(error, isMissing: isMissing))")
            }
        }
        return (providers, problems, fileKeys)
    }

    /// The environment variable of a key: upper case, `.` and `-` as `_` (`amqp.tls.key_password` →
    /// `AMQP_TLS_KEY_PASSWORD`), as swift-configuration's `EnvironmentVariablesProvider` derives it.
    public static func environmentVariable(for key: String) -> String {
        String(key.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// Secrets given as `<VARIABLE>_FILE=/path`.
    private static func secretsFromFileVariables(
        _ environment: [String: String], _ problems: inout [String]
    ) -> [AbsoluteConfigKey: ConfigValue] {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for key in secretKeys {
            let variable = environmentVariable(for: key)
            guard let path = environment[variable + "_FILE"] else { continue }
            if environment[variable] != nil {
                problems.append("\(key): both \(variable) and \(variable)_FILE are set; use one")
                continue
            }
            switch readSecretFile(path) {
            case .success(let value): values[absoluteKey(key)] = ConfigValue(.string(value), isSecret: true)
            case .failure(let reason): problems.append("\(key): \(variable)_FILE \(path) \(reason.text)")
            }
        }
        return values
    }

    /// Secrets found as files in the secrets directory.
    private static func secretsFromDirectory(
        _ directory: String?, _ problems: inout [String]
    ) -> [AbsoluteConfigKey: ConfigValue] {
        var isDirectory: ObjCBool = false
        let path = directory ?? defaultSecretsDirectory
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            if let directory { problems.append("secrets directory \(directory): is not a directory") }
            return [:]
        }
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for key in secretKeys {
            let names = [
                key.replacingDots(with: "_"), environmentVariable(for: key), key, key.replacingDots(with: "-"),
            ]
            guard let name = names.first(where: { FileManager.default.fileExists(atPath: path + "/" + $0) }) else {
                continue
            }
            switch readSecretFile(path + "/" + name) {
            case .success(let value): values[absoluteKey(key)] = ConfigValue(.string(value), isSecret: true)
            case .failure(let reason): problems.append("\(key): \(path)/\(name) \(reason.text)")
            }
        }
        return values
    }

    /// Why a secret file was refused (never its contents).
    private struct SecretFileProblem: Error {
        var text: String
    }

    /// The file's text without trailing line breaks; at most 64 KiB of UTF-8.
    private static func readSecretFile(_ path: String) -> Result<String, SecretFileProblem> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(SecretFileProblem(text: "cannot be read"))
        }
        guard data.count <= 65_536 else { return .failure(SecretFileProblem(text: "is larger than 64 KiB")) }
        guard var text = String(bytes: data, encoding: .utf8) else {
            return .failure(SecretFileProblem(text: "is not UTF-8 text"))
        }
        while text.hasSuffix("\n") || text.hasSuffix("\r") || text.hasSuffix("\r\n") { text.removeLast() }
        return .success(text)
    }

    private static func absoluteKey(_ key: String) -> AbsoluteConfigKey {
        AbsoluteConfigKey(key.split(separator: ".").map(String.init))
    }

    /// A YAML failure without the file's contents. Yams ends its messages with the offending lines, which may hold
    /// a secret, so only the first line (position and libyaml's fixed wording) is kept.
    private static func yamlProblem(_ error: any Error, isMissing: Bool) -> String {
        if isMissing { return "the configuration file does not exist" }
        let firstLine = String(describing: error).split(separator: "\n").first.map(String.init) ?? ""
        if String(reflecting: type(of: error)).hasPrefix("Yams.") { return "not valid YAML: \(firstLine)" }
        return firstLine.isEmpty ? "cannot be read" : firstLine
    }
}

extension String {
    fileprivate func replacingDots(with separator: Character) -> String {
        String(map { $0 == "." ? separator : $0 })
    }
}
