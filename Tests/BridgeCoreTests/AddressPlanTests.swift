import BridgeCore
import SMPP
import Testing

@Suite struct AddressPlanTests {
    let automatic = AddressPlan()

    @Test func destinationIsInternationalWithThePlusStripped() {
        #expect(automatic.destination("+573001234567") == Address(ton: 1, npi: 1, address: "573001234567"))
        #expect(automatic.destination("573001234567") == Address(ton: 1, npi: 1, address: "573001234567"))
        #expect(automatic.destination("12345") == Address(ton: 1, npi: 1, address: "12345"))
    }

    @Test func sourceFollowsTheAutomaticRules() {
        #expect(automatic.source("ACME") == Address(ton: 5, npi: 0, address: "ACME"))
        #expect(automatic.source("My Shop") == Address(ton: 5, npi: 0, address: "My Shop"))
        #expect(automatic.source("12345") == Address(ton: 3, npi: 0, address: "12345"))
        #expect(automatic.source("12345678") == Address(ton: 3, npi: 0, address: "12345678"))
        #expect(automatic.source("123456789") == Address(ton: 1, npi: 1, address: "123456789"))
        #expect(automatic.source("+573001234567") == Address(ton: 1, npi: 1, address: "573001234567"))
        #expect(automatic.source("+1234") == Address(ton: 1, npi: 1, address: "1234"))
        #expect(automatic.source("+ACME") == Address(ton: 5, npi: 0, address: "+ACME"))
    }

    @Test func configuredValuesOverrideEachPartAlone() {
        let plan = AddressPlan(sourceTON: 2, destinationNPI: 8)
        #expect(plan.source("ACME") == Address(ton: 2, npi: 0, address: "ACME"))
        #expect(plan.source("+5730") == Address(ton: 2, npi: 1, address: "5730"))
        #expect(plan.destination("+5730") == Address(ton: 1, npi: 8, address: "5730"))
        let all = AddressPlan(sourceTON: 0, sourceNPI: 0, destinationTON: 2, destinationNPI: 9)
        #expect(all.source("12345") == Address(ton: 0, npi: 0, address: "12345"))
        #expect(all.destination("3001234567") == Address(ton: 2, npi: 9, address: "3001234567"))
    }
}
