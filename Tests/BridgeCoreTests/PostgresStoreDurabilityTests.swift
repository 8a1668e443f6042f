@testable import BridgeCore
import Testing

/// The PostgreSQL store's connections commit durably whatever the server's default (docs/store.md "Durability"):
/// each starts with `synchronous_commit = on`, a startup parameter that outranks the server's and the database's
/// settings.
@Suite struct PostgresStoreDurabilityTests {
    @Test func everyPooledConnectionStartsWithSynchronousCommitOn() throws {
        let url = try PostgresStoreURL(parsing: "postgres://bridge:secret@127.0.0.1:5432/bridge")
        for searchPath in [nil, "tenant_a"] {
            let configuration = try PostgresBridgeStore.clientConfiguration(
                url: url, maximumConnections: 4, connectTimeout: .seconds(1), searchPath: searchPath)
            let parameters = configuration.options.additionalStartupParameters
            #expect(parameters.contains { $0.0 == "synchronous_commit" && $0.1 == "on" }, "\(parameters)")
            #expect(parameters.contains { $0.0 == "search_path" } == (searchPath != nil), "\(parameters)")
        }
    }
}
