import Foundation

/// A helper process that talks JSON lines on stdout (a test peer); closing its stdin asks it to exit.
final class PeerProcess: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    /// Each stdout line, decoded as a JSON object.
    let events: AsyncStream<[String: String]>

    /// The repository root (this file is Tests/SMPPNIOTests/PeerProcess.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The interop venv's Python, if deploy/python-env.sh has made it.
    static var interopPython: String? {
        let path = repositoryRoot.appendingPathComponent("deploy/.state/venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    init(executable: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        let (stream, continuation) = AsyncStream.makeStream(of: [String: String].self)
        events = stream
        let buffer = LineBuffer()
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                continuation.finish()
                return
            }
            for line in buffer.append(data) {
                if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
                    continuation.yield(object.mapValues { "\($0)" })
                }
            }
        }
        try process.run()
    }

    /// The next event named `name`, skipping others (nil when the peer exited first).
    func next(_ name: String, in iterator: inout AsyncStream<[String: String]>.Iterator) async
        -> [String: String]?
    {
        while let event = await iterator.next() {
            if event["event"] == name { return event }
        }
        return nil
    }

    /// Asks the peer to exit and waits for it.
    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// Splits a byte stream into lines.
private final class LineBuffer: @unchecked Sendable {
    private var pending = Data()
    private let lock = NSLock()

    func append(_ data: Data) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        pending.append(data)
        var lines: [String] = []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
            pending.removeSubrange(pending.startIndex...newline)
        }
        return lines
    }
}
