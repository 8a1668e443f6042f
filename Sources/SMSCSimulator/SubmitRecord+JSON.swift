extension SubmitRecord {
    /// The record as one JSON object on one line (the `--record` file format), keys in a fixed order:
    /// `message_id, account, session, sequence_number, service_type, source_addr_ton, source_addr_npi,
    /// source_addr, dest_addr_ton, dest_addr_npi, destination_addr, esm_class, protocol_id, priority_flag,
    /// registered_delivery, data_coding, udh_hex, payload_hex, tlvs (array of {tag, value} in hex),
    /// received_at_ms`.
    public var jsonLine: String {
        var fields: [String] = []
        fields.append("\"message_id\":\(Self.quoted(messageID))")
        fields.append("\"account\":\(Self.quoted(account))")
        fields.append("\"session\":\(session)")
        fields.append("\"sequence_number\":\(sequenceNumber)")
        fields.append("\"service_type\":\(Self.quoted(serviceType))")
        fields.append("\"source_addr_ton\":\(sourceTON)")
        fields.append("\"source_addr_npi\":\(sourceNPI)")
        fields.append("\"source_addr\":\(Self.quoted(sourceAddress))")
        fields.append("\"dest_addr_ton\":\(destinationTON)")
        fields.append("\"dest_addr_npi\":\(destinationNPI)")
        fields.append("\"destination_addr\":\(Self.quoted(destinationAddress))")
        fields.append("\"esm_class\":\(esmClass)")
        fields.append("\"protocol_id\":\(protocolID)")
        fields.append("\"priority_flag\":\(priority)")
        fields.append("\"registered_delivery\":\(registeredDelivery)")
        fields.append("\"data_coding\":\(dataCoding)")
        fields.append("\"udh_hex\":\"\(Self.hex(udh))\"")
        fields.append("\"payload_hex\":\"\(Self.hex(payload))\"")
        let tlvText = tlvs.map { tlv in
            let tag = Self.hex([UInt8(tlv.tag.rawValue >> 8), UInt8(tlv.tag.rawValue & 0xFF)])
            return "{\"tag\":\"\(tag)\",\"value\":\"\(Self.hex(tlv.value))\"}"
        }
        fields.append("\"tlvs\":[\(tlvText.joined(separator: ","))]")
        fields.append("\"received_at_ms\":\(receivedAtMilliseconds)")
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Lower-case hex without separators.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A JSON string literal with quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let code = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - code.count) + code
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
