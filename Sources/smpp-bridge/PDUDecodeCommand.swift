import ArgumentParser
import NIOCore
import SMPP

import Foundation

/// `smpp-bridge pdu decode HEX`: prints a PDU as JSON, or the decode error with its offset, and exits 1 on error.
struct PDUDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode SMPP PDUs given in hex and print them as JSON.",
        discussion: """
            The hex may contain spaces, colons, commas, dashes and 0x prefixes, and may span several arguments; \
            with no argument it is read from standard input. Several PDUs back to back print as a JSON array. \
            On a decode error the error is printed as JSON (code, reason, offset, offending bytes) and the exit \
            status is 1.
            """
    )

    @Argument(help: "The PDU octets in hex (whole PDUs, header included).")
    var hex: [String] = []

    func run() throws {
        var text = hex.joined(separator: " ")
        if hex.isEmpty {
            while let line = readLine() { text += line + " " }
        }
        guard let octets = parseHex(text), !octets.isEmpty else {
            printFailure(.object([
                ("code", .string("invalidHex")),
                ("reason", .string("expected pairs of hex digits, optionally separated by spaces or colons")),
            ]), summary: "not hex")
            throw ExitCode(1)
        }
        let output = Self.render(octets)
        if let (error, summary) = output.failure {
            printFailure(error, summary: summary)
            throw ExitCode(1)
        }
        print(output.json.rendered())
    }

    /// Decodes every PDU in `octets`: the JSON to print (one object, or an array for several PDUs), or the first
    /// decode error as JSON with a one-line summary.
    static func render(_ octets: [UInt8]) -> (json: JSONValue, failure: (JSONValue, String)?) {
        var buffer = ByteBuffer(bytes: octets)
        var decoded: [JSONValue] = []
        while buffer.readableBytes > 0 {
            let start = octets.count - buffer.readableBytes
            let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self).map(Int.init) ?? 0
            do {
                let pdu = try PDU.decode(frame: &buffer)
                decoded.append(pdu.json(commandLength: length))
            } catch {
                return (.null, (errorJSON(error, pduOffset: start), error.description))
            }
        }
        return (decoded.count == 1 ? decoded[0] : .array(decoded), nil)
    }

    /// The error as JSON. `offset` counts from the PDU's first octet; `input_offset` from the first octet given.
    static func errorJSON(_ error: SMPPDecodeError, pduOffset: Int) -> JSONValue {
        .object([
            ("code", .string(error.code.description)),
            ("reason", .string(error.reason)),
            ("offset", .number(error.offset)),
            ("input_offset", .number(pduOffset + error.offset)),
            ("bytes", .string(hexString(error.bytes))),
            ("command_id", error.commandID.map { .string(hex32($0.rawValue)) } ?? .null),
            ("command", error.commandID.map { .string($0.name) } ?? .null),
            ("sequence_number", error.sequenceNumber.map { .number($0) } ?? .null),
            ("suggested_status", error.code.suggestedStatus.json),
        ])
    }

    private func printFailure(_ error: JSONValue, summary: String) {
        print(JSONValue.object([("error", error)]).rendered())
        var standardError = StandardError()
        print("error: \(summary)", to: &standardError)
    }
}

/// Standard error as a `TextOutputStream`.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
