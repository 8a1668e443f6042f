import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// CPU time measurements for benchmarks: the whole process (getrusage) and single threads (/proc, Linux).
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
        guard let text = try? String(contentsOfFile: "/proc/self/task/\(tid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return 0 }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return 0 }
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
