import ArgumentParser
import BridgeCore
import Foundation
import RabbitMQ
import SMPP

/// `smpp-bridge send`: publishes one send request (DESIGN §1.2) and, with `--wait`, prints what becomes of it.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Publish one send request to the bridge's queue and print its id.",
        discussion: """
            Publishes to amqp.queue through the default exchange (persistent, confirmed by the broker, message_id \
            = the id) and prints the id. With --wait, it first binds a private queue to amqp.exchanges.results \
            (submit.#) and amqp.exchanges.dlr (dlr.#), then prints the request's result and receipts as they come, \
            one JSON line each, until the result says no receipt will follow or every segment has a final receipt. \
            Exits 1 when --timeout passes first.
            """
    )

    @Option(help: "The destination, e.g. +573001234567.")
    var to: String

    @Option(help: "The message text (Unicode). Exactly one of --text and --binary.")
    var text: String?

    @Option(help: ArgumentHelp("A raw 8-bit payload in base64.", valueName: "base64"))
    var binary: String?

    @Option(help: "The sender (default smpp.source.addr).")
    var from: String?

    @Option(help: "The request id, 1–64 characters (default a fresh UUID).")
    var id: String?

    @Flag(inversion: .prefixedNo, help: "Request a delivery receipt (default smpp.registered_delivery).")
    var dlr: Bool?

    @Option(help: "How a long message is split: udh8, udh16, sar or payload (default smpp.concat).")
    var concat: String?

    @Option(help: "auto, gsm7, ucs2, latin1 or ascii (default auto).")
    var encoding: String?

    @Flag(help: "Wait for the result and receipts and print them.")
    var wait = false

    @Option(help: "With --wait: give up after this many seconds.")
    var timeout: Double = 60

    @OptionGroup var options: ConfigOptions

    func validate() throws {
        guard (text == nil) != (binary == nil) else { throw ValidationError("give exactly one of --text and --binary") }
        // The bridge's own decoder, so the tool refuses exactly what the bridge would reject.
        if let binary, Base64.decode(binary) == nil { throw ValidationError("--binary is not valid base64") }
        if let id, !SendRequestDecoder.isUsableID(id) {
            throw ValidationError("--id must be 1–64 characters, at most 255 UTF-8 bytes, without control characters")
        }
        if let concat, ConcatenationMethod(rawValue: concat) == nil {
            throw ValidationError("--concat must be one of \(ConcatenationMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let encoding, TextEncoding(rawValue: encoding) == nil {
            throw ValidationError("--encoding must be one of \(TextEncoding.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard timeout > 0, timeout < 86_400 else { throw ValidationError("--timeout must be 0–86400 seconds") }
    }

    func run() async throws {
        bootstrapToolLogging()
        let target: BrokerTarget
        do {
            target = try await options.loadBroker()
        } catch {
            throw exitWithProblems(error)
        }
        let outcome = try await send(id: id ?? UUID().uuidString.lowercased(), to: target) { printLine($0) }
        if case .timedOut(let waitingFor) = outcome {
            printError("timed out after \(timeout) s waiting for \(waitingFor)")
            throw ExitCode(1)
        }
    }

    /// How `send` ended.
    enum Outcome: Equatable {
        /// Published (and, with `--wait`, everything awaited printed).
        case done
        /// `--timeout` passed first; what was still awaited.
        case timedOut(String)
    }

    /// Whether the request asks for a receipt: `--dlr` / `--no-dlr`; with `--wait` and neither, `registeredDelivery`
    /// (this configuration's `smpp.registered_delivery`), sent explicitly so that the wait expects receipts exactly
    /// when the bridge was asked for them (its own default may differ); else nil (the bridge's default).
    func receiptsRequested(registeredDelivery: Bool) -> Bool? {
        dlr ?? (wait ? registeredDelivery : nil)
    }

    /// The request body with id `requestID`, fields in the order of DESIGN §1.2, only those given (`dlr` as
    /// ``receiptsRequested(registeredDelivery:)`` says).
    func requestBody(id requestID: String, registeredDelivery: Bool) -> [UInt8] {
        var fields: [(String, JSONValue)] = [("id", .string(requestID)), ("to", .string(to))]
        if let from { fields.append(("from", .string(from))) }
        if let text { fields.append(("text", .string(text))) }
        if let binary { fields.append(("binary", .string(binary))) }
        if let encoding { fields.append(("encoding", .string(encoding))) }
        if let dlr = receiptsRequested(registeredDelivery: registeredDelivery) { fields.append(("dlr", .bool(dlr))) }
        if let concat { fields.append(("concat", .string(concat))) }
        return Array(JSONValue.object(fields).rendered(pretty: false).utf8)
    }

    /// Publishes the request with id `requestID` (after binding the wait queue, with `--wait`), writes the id and
    /// the awaited events to `output`, one line each.
    func send(id requestID: String, to target: BrokerTarget, output: @escaping @Sendable (String) -> Void)
        async throws -> Outcome
    {
        var tail: EventTail?
        if wait {
            do {
                tail = try await EventTail.open(
                    amqp: target.amqp,
                    bindings: [(target.broker.resultsExchange, "submit.#"), (target.broker.dlrExchange, "dlr.#")],
                    purpose: "send")
            } catch {
                throw SendFailure("cannot listen on \(target.broker.resultsExchange) and \(target.broker.dlrExchange): \(error)")
            }
        }
        do {
            try await publish(id: requestID, to: target)
        } catch {
            await tail?.close()
            throw error
        }
        output(requestID)
        guard let tail else { return .done }
        let expectsReceipts = receiptsRequested(registeredDelivery: target.outbound.registeredDelivery) ?? false
        let tracker = SendWaitTracker(requestID: requestID, expectsReceipts: expectsReceipts)
        let timeout = self.timeout
        let outcome = await withTaskGroup(of: Outcome?.self) { group in
            group.addTask { [tracker] in
                var tracker = tracker
                await tail.run(count: 1) { delivery in
                    switch tracker.eventReceived(body: delivery.body, correlationID: delivery.properties.correlationID) {
                    case .ignore: return false
                    case .print: output(EventTail.oneLine(delivery.body)); return false
                    case .printAndFinish: output(EventTail.oneLine(delivery.body)); return true
                    }
                }
                return tracker.isFinished ? .done : .timedOut(tracker.awaiting)
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(timeout))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            // On timeout the reader is still iterating: closing the consumer ends its deliveries.
            await tail.close()
            if let first { return first }
            return await group.next().flatMap { $0 } ?? .timedOut(tracker.awaiting)
        }
        if case .timedOut(let awaiting) = outcome, tail.gaps.happened {
            return .timedOut(awaiting + " (the broker connection was lost meanwhile: it may have come then, unseen)")
        }
        return outcome
    }

    private func publish(id requestID: String, to target: BrokerTarget) async throws {
        let publisher = AMQPPublisher(configuration: target.amqp)
        do {
            try await publisher.connect()
            try await publisher.publish(
                requestBody(id: requestID, registeredDelivery: target.outbound.registeredDelivery), exchange: "",
                routingKey: target.broker.queue,
                properties: AMQPProperties(
                    contentType: "application/json", deliveryMode: .persistent, messageID: requestID,
                    timestamp: Date()),
                mandatory: true)
        } catch let error as AMQPError where error.code == .unroutable {
            await publisher.close()
            throw SendFailure("queue \(target.broker.queue) does not exist: start the bridge (it declares it) or check amqp.queue")
        } catch {
            await publisher.close()
            throw SendFailure("cannot publish to \(target.broker.queue): \(error)")
        }
        await publisher.close()
    }
}

/// A send that failed before anything was published, with the reason for the operator.
struct SendFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
