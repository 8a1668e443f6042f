import BridgeCore
import Testing

@Suite struct BridgeStoreErrorTests {
    @Test func descriptionNamesCodeLocationAndDetail() {
        let error = BridgeStoreError(code: .corrupt, location: "/data/bridge.sqlite", detail: "file is not a database")
        #expect(error.description == "store corrupt (/data/bridge.sqlite): file is not a database")
        let codes: [BridgeStoreError.Code] = [.cannotOpen, .corrupt, .locked, .readOnly, .migrationFailed, .writeFailed, .readFailed, .closed]
        #expect(Set(codes.map(\.description)).count == codes.count, "every code has a name of its own")
    }
}
