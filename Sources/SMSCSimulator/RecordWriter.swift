import Dispatch
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends one JSON line per accepted submit_sm to a file, on its own serial queue so an event loop never
/// waits for the disk.
final class RecordWriter: Sendable {
    private let queue = DispatchQueue(label: "smsc-sim.record-writer")
    private let descriptor: Int32
    private let failed = NIOLockedValueBox<Int32?>(nil)

    /// Opens (creates or truncates) `path`; throws the errno when it cannot.
    init(path: String) throws(RecordWriterError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RecordWriterError(path: path, errno: errno) }
        self.descriptor = fd
    }

    /// Queues one record.
    func write(_ record: SubmitRecord) {
        let line = Array((record.jsonLine + "\n").utf8)
        queue.async { [descriptor, failed] in
            var offset = 0
            while offset < line.count {
                let written = line[offset...].withUnsafeBytes { posixWrite(descriptor, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR { continue }
                    failed.withLockedValue { $0 = errno }
                    return
                }
                offset += written
            }
        }
    }

    /// Waits until everything queued so far is written.
    func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { continuation.resume() }
        }
    }

    /// Flushes and closes the file.
    func close() async {
        await flush()
        queue.sync { _ = posixClose(descriptor) }
    }

    /// The errno of the first failed write, if any.
    var writeError: Int32? { failed.withLockedValue { $0 } }
}

/// The record file could not be opened.
struct RecordWriterError: Error, CustomStringConvertible {
    /// The path given to `--record`.
    var path: String
    /// The errno from open(2).
    var errno: Int32

    var description: String { "cannot open record file \(path) (errno \(errno))" }
}

// Free functions so the class's own `write`/`close` members do not shadow the POSIX calls.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}

private func posixClose(_ fd: Int32) -> Int32 {
    close(fd)
}
