import BridgeCore
import Testing

@Suite struct BridgeStoreErrorTests {
    @Test func descriptionNamesCodeLocationAndDetail() {
        let error = BridgeStoreError(code: .corrupt, location: "/data/bridge.sqlite", detail: "file is not a database")
        #expect(error.description == "store corrupt (/data/bridge.sqlite): file is not a database")
        #expect(error.code != BridgeStoreError.Code.locked)
    }
}
