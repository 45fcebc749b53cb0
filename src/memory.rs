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
