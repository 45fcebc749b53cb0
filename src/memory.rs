//! A hint to the allocator between the pipeline's phases.
//!
//! When the binary runs on mimalloc (the `mimalloc` feature), memory freed by one phase stays
//! resident until mimalloc purges it, a few milliseconds later and only when the thread that
//! owns it allocates again. The model freed after the rules is tens of megabytes of small
//! objects, and reading the findings' files back right after it needs fresh large blocks:
//! without a purge in between, both are resident for a moment and that moment is the run's
//! peak (10 000 documents: 60 MB or 69 MB, depending on timing).

/// Inputs smaller than this are not worth the calls (a few microseconds each): their freed
/// memory is small and the process ends soon.
pub const WORTH_RELEASING: usize = 4 << 20;

/// Returns the memory freed so far to the operating system, on every thread of the pool.
pub fn release_freed() {
    rayon::broadcast(|_| release_freed_here());
    release_freed_here();
}

/// [`release_freed`] for the calling thread's own heap only (after a rule's scratch data).
pub fn release_freed_here() {
    // SAFETY: mi_collect only walks the calling thread's own mimalloc heap (and abandoned
    // pages); it takes no pointers and may be called at any time.
    #[cfg(feature = "mimalloc")]
    unsafe {
        libmimalloc_sys::mi_collect(true)
    }
}

/// mimalloc v3's `mi_option_purge_delay` (as in `main.rs`).
#[cfg(feature = "mimalloc")]
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Loads in progress (analyses may run on several threads of one process, in tests) and the
/// purge delay to restore when the last one ends.
#[cfg(feature = "mimalloc")]
static LOADING: std::sync::Mutex<(usize, std::ffi::c_long)> = std::sync::Mutex::new((0, 0));

/// While the files are loaded: freed memory is kept a while before it is returned to the OS.
/// Each file's text and its documents' trees are freed as soon as it is modelled, and the
/// next file needs the same amount again a few milliseconds later: returned at once, those
/// pages were faulted in afresh for every file. The peak is not raised: it comes after the
/// load, and [`release_freed`] (which returns everything freed, whatever the delay) runs when
/// the load ends. Undone by [`end_load`].
pub fn begin_load() {
    #[cfg(feature = "mimalloc")]
    if let Ok(mut loading) = LOADING.lock() {
        if loading.0 == 0 {
            // SAFETY: reading and setting an integer option of the linked mimalloc; the option
            // id exists in v3 (mimalloc ignores unknown ids)
            unsafe {
                loading.1 = libmimalloc_sys::mi_option_get(PURGE_DELAY);
                libmimalloc_sys::mi_option_set(PURGE_DELAY, 1000);
            }
        }
        loading.0 += 1;
    }
}

/// Ends what [`begin_load`] began: the last load to end restores the purge delay.
pub fn end_load() {
    #[cfg(feature = "mimalloc")]
    if let Ok(mut loading) = LOADING.lock() {
        loading.0 = loading.0.saturating_sub(1);
        if loading.0 == 0 {
            // SAFETY: as in `begin_load`
            unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, loading.1) }
        }
    }
}
