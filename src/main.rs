use clap::Parser;

fn main() {
    // elsewhere the options are set here, after mimalloc's first arena was committed (Linux
    // sets them earlier, see `TUNE_BEFORE_MAIN`)
    #[cfg(all(feature = "mimalloc", not(target_os = "linux")))]
    tune_allocator();
    let cli = meshlint::cli::Cli::parse();
    std::process::exit(meshlint::cli::run(cli));
}

// mimalloc instead of glibc malloc: the loader allocates and frees millions of small strings
// and vectors (see docs/performance.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's defaults keep freed memory committed (arenas committed eagerly, purged after
/// 10 ms × 10): on a 10 000-document run that is ~90 MB of resident memory nobody uses. Commit
/// on demand and purge after 5 ms instead: the same speed, 45 % less peak RSS
/// (docs/performance.md). The option numbers are those of mimalloc v3's `mi_option_e`, the
/// version libmimalloc-sys builds by default (pinned in Cargo.lock).
#[cfg(feature = "mimalloc")]
extern "C" fn tune_allocator() {
    const ARENA_EAGER_COMMIT: std::ffi::c_int = 4;
    const PURGE_DELAY: std::ffi::c_int = 15;
    extern "C" {
        fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    }
    // SAFETY: mi_option_set only stores an integer option of the linked mimalloc; both option
    // ids exist in v3 (a wrong id would be ignored by mimalloc, not undefined behaviour)
    unsafe {
        mi_option_set(ARENA_EAGER_COMMIT, 0);
        mi_option_set(PURGE_DELAY, 5);
    }
}

/// On Linux the options are set from `.init_array`, before the Rust runtime makes its first
/// allocation: otherwise mimalloc has already committed its first arena eagerly by the time
/// `main` runs (a small repository then peaks at 15 MB instead of 7 MB).
#[cfg(all(feature = "mimalloc", target_os = "linux"))]
#[used]
#[link_section = ".init_array"]
static TUNE_BEFORE_MAIN: extern "C" fn() = tune_allocator;
