import Testing

/// The service runs on jemalloc (Package.swift links it): glibc's allocator cost 10–15 % of its CPU under load.
@Suite(.timeLimit(.minutes(1))) struct AllocatorTests {
    @Test(.enabled(if: !CheckConfigCommandTests.executable.isEmpty, "the smpp-bridge executable is not built"))
    func theExecutableAllocatesWithJemalloc() throws {
        // jemalloc prints its statistics at exit when asked to (the opts leave out every section but the header);
        // glibc's malloc knows nothing of MALLOC_CONF.
        let (status, _, stderr) = try CheckConfigCommandTests.run(
            ["--help"], environment: ["MALLOC_CONF": "stats_print:true,stats_print_opts:gmdablxe"])
        #expect(status == 0)
        #expect(stderr.contains("jemalloc statistics"), "\(stderr.prefix(300))")
    }
}
