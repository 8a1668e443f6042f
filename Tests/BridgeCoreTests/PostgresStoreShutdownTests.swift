import BridgeCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Testing

/// The store opened inside a service (as the bridge opens it) keeps working after that service's graceful
/// shutdown has begun: the bridge still completes draining requests and answers receipts then, and closes the
/// store last. (postgres-nio's pool, a Service itself, ended at the inherited graceful shutdown before.)
@Suite struct PostgresStoreShutdownTests {
    struct StoreUser: Service {
        let body: @Sendable () async throws -> Void
        func run() async throws { try await body() }
    }

    @Test func theStoreOutlivesItsOwnersGracefulShutdown() async throws {
        let schema = PostgresTestDatabase.uniqueSchema("shut")
        let url = try PostgresTestDatabase.url()
        let stateAfterShutdown = NIOLockedValueBox<StoredRequestState?>(nil)
        let (opened, storeOpened) = AsyncStream<Void>.makeStream()
        let user = StoreUser {
            let store = try await PostgresBridgeStore(url: url, schema: schema, logger: StoreFixtures.logger)
            storeOpened.yield()
            try? await gracefulShutdown()  // returns once the group's graceful shutdown began
            try await Task.sleep(for: .milliseconds(200))  // time for a pool that followed it to close
            _ = try await store.beginRequest(id: "late", at: StoreFixtures.t0)
            let state = try await store.requestState(id: "late")
            stateAfterShutdown.withLockedValue { $0 = state }
            await store.close()
        }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: user)], gracefulShutdownSignals: [], cancellationSignals: [],
            logger: StoreFixtures.logger))
        let running = Task { try await group.run() }
        for await _ in opened { break }  // the store is open (and its pool running) inside the service
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(stateAfterShutdown.withLockedValue { $0 } == .inFlight(since: StoreFixtures.t0))
        await PostgresTestDatabase.dropSchema(schema)
    }
}
