import PostgresNIO

/// ``PostgresStoreSQL/beginAndCompleteRequests`` as a prepared statement: the batch statement nearly every request's
/// writes go through, parsed and planned once per connection instead of once per batch (planning alone took
/// 0.23–0.35 ms a batch against 1.1–1.6 ms executing it). Its tables are found through the pool's `search_path`.
struct BeginAndCompleteRequests: PostgresPreparedStatement, Sendable {
    static let name = "smpp_bridge_begin_and_complete_v4"
    static let sql = PostgresStoreSQL.unqualified.beginAndCompleteRequests
    /// Inferred by the server from the casts in the SQL.
    static let bindingDataTypes: [PostgresDataType] = []

    typealias Row = PostgresRow

    /// The begins' two arrays, then the completions' eight and the correlations' twelve.
    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
