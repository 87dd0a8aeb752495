fn main() -> std::process::ExitCode {
    limit_malloc_arenas();
    korgoo::cli::run()
}

/// glibc gives every thread that allocates its own arena (up to eight per
/// core), and the blocking pool that runs database work has many threads:
/// each arena keeps freed memory of its own. Two arenas hold the server's
/// resident memory to about half (measured under load in BENCHMARKS.md) for
/// no measurable loss of throughput on two cores.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before
    // any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        // Blocks of 1 MiB and more (argon2's 19 MiB, a large download) are
        // mapped for themselves and given back to the system when freed.
        // glibc otherwise raises this threshold after the first such block
        // is freed, and later ones stay in an arena for good.
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
