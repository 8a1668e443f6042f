import Foundation
import Logging
import NIOCore
import NIOPosix
import SMPP
import ServiceLifecycle
import Testing

@testable import SMPPNIO

/// Our client against an SMPP server that is not ours: smpp34 (PyPI, a Rust SMPP 3.4 implementation), installed by
/// deploy/python-env.sh. Plain TCP: smpp34's server side has no TLS.
@Suite(.enabled(if: PeerProcess.interopPython != nil, "deploy/python-env.sh has not installed smpp34"))
struct InteropTests {
    @Test(.timeLimit(.minutes(1)))
    func submitsAndAnswersDeliverSMWithSmpp34Server() async throws {
        let python = try #require(PeerProcess.interopPython)
        let script = PeerProcess.repositoryRoot.appendingPathComponent("Tests/Interop/smpp34_server.py").path
        let peer = try PeerProcess(executable: python, arguments: [script, "50"])  // a safety limit below the test's
        defer { peer.stop() }
        var events = peer.events.makeAsyncIterator()
        let ready = try #require(await peer.next("ready", in: &events))
        let port = try #require(ready["port"].flatMap { Int($0) })

        var configuration = SMPPClientConfiguration(host: "127.0.0.1", port: port, systemID: "interop", password: "pw")
        configuration.tls.enabled = false
        configuration.sessions = 2
        configuration.window = 5
        configuration.reconnectInitialDelay = .milliseconds(100)
        let client = SMPPClient(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                logger: Logger(label: "interop"))
        let group = ServiceGroup(services: [client], logger: Logger(label: "interop.group"))
        let running = Task { try await group.run() }

        let count = 40
        let outcomes = await withTaskGroup(of: (Int, Result<SubmitOutcome, SMPPClientError>).self) { tasks in
            for index in 0..<count {
                tasks.addTask {
                    let submit = SubmitSM(source: Address(ton: 5, npi: 0, address: "ACME"),
                                          destination: Address(ton: 1, npi: 1, address: "57300\(1000 + index)"),
                                          shortMessage: Array("interop \(index)".utf8))
                    return (index, await submitResult(client, submit))
                }
            }
            var all: [Int: Result<SubmitOutcome, SMPPClientError>] = [:]
            for await (index, result) in tasks { all[index] = result }
            return all
        }
        #expect(outcomes.count == count)
        let accepted = outcomes.values.compactMap { try? $0.get() }
        #expect(accepted.count == count)
        #expect(accepted.allSatisfy { $0.commandStatus == .ok && $0.messageID.hasPrefix("P34-") })
        #expect(Set(accepted.map(\.messageID)).count == count)

        var inbound = client.inbound.makeAsyncIterator()
        let mo = try #require(await inbound.next())
        guard case .deliverSM(let deliver) = mo.body else { Issue.record("expected deliver_sm"); return }
        #expect(deliver.shortMessage == Array("Hola interop".utf8))
        #expect(deliver.source.address == "573001234567")
        mo.respond(status: .ok)

        var submits: [String: String] = [:]
        var moStatus: Int?
        while submits.count < count || moStatus == nil, let event = await events.next() {
            switch event["event"] {
            case "submit":
                if let id = event["message_id"], let text = event["text"] { submits[id] = text }
            case "mo_resp":
                moStatus = event["status"].flatMap { Int($0) }
            default:
                break
            }
        }
        #expect(moStatus == 0)
        #expect(submits.count == count)
        for outcome in accepted {
            let index = outcome.messageID  // every accepted id was seen by the server with our text
            #expect(submits[index] != nil)
        }
        let texts = Set(submits.values.map { hex in
            String(decoding: stride(from: 0, to: hex.count, by: 2).compactMap { offset -> UInt8? in
                let start = hex.index(hex.startIndex, offsetBy: offset)
                return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)
            }, as: UTF8.self)
        })
        #expect(texts == Set((0..<count).map { "interop \($0)" }))

        await group.triggerGracefulShutdown()
        try await running.value
    }
}

/// Submits and captures the typed outcome.
func submitResult(_ client: SMPPClient, _ submit: SubmitSM) async -> Result<SubmitOutcome, SMPPClientError> {
    do throws(SMPPClientError) {
        return .success(try await client.submit(submit))
    } catch {
        return .failure(error)
    }
}
