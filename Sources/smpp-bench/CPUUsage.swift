import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// CPU time measurements for benchmarks: this process (getrusage), single threads and other processes (/proc, Linux),
/// and another process's peak RSS.
enum CPUUsage {
    /// User + system CPU of the whole process, in microseconds.
    static func processMicroseconds() -> Int64 {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let user = Int64(usage.ru_utime.tv_sec) * 1_000_000 + Int64(usage.ru_utime.tv_usec)
        let system = Int64(usage.ru_stime.tv_sec) * 1_000_000 + Int64(usage.ru_stime.tv_usec)
        return user + system
    }

    /// The kernel thread id of the calling thread (from /proc/thread-self, which links to "<pid>/task/<tid>"),
    /// 0 where /proc is not available.
    static func currentThreadID() -> Int32 {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self"),
              let last = target.split(separator: "/").last
        else { return 0 }
        return Int32(last) ?? 0
    }

    /// User + system CPU of thread `tid` of this process in microseconds, from /proc (clock-tick resolution);
    /// 0 where /proc is not available.
    static func threadMicroseconds(_ tid: Int32) -> Int64 {
        statMicroseconds("/proc/self/task/\(tid)/stat") ?? 0
    }

    /// User + system CPU of process `pid` (all its threads) in microseconds, from /proc/PID/stat (clock-tick
    /// resolution); nil when the process does not exist or /proc is not available.
    static func processMicroseconds(pid: Int32) -> Int64? {
        statMicroseconds("/proc/\(pid)/stat")
    }

    /// The peak resident set size of process `pid` (VmHWM in /proc/PID/status) in kilobytes; nil when the process
    /// does not exist or /proc is not available.
    static func peakResidentKilobytes(pid: Int32) -> Int64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return line.dropFirst("VmHWM:".count).split(whereSeparator: \.isWhitespace).first.flatMap { Int64($0) }
    }

    /// utime + stime of a /proc `stat` file, in microseconds.
    private static func statMicroseconds(_ path: String) -> Int64? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return nil }
        let ticks = Int64(sysconf(Int32(_SC_CLK_TCK)))
        return (user + system) * 1_000_000 / max(1, ticks)
    }

    /// The kernel thread ids of every event loop of `group`.
    static func threadIDs(of group: any EventLoopGroup) async throws -> [Int32] {
        var ids: [Int32] = []
        for loop in group.makeIterator() {
            ids.append(try await loop.submit { currentThreadID() }.get())
        }
        return ids
    }
}
