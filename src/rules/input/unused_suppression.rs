//! `unused-suppression` (ML009): a `# meshlint: disable...` directive code that suppressed no
//! finding. Emitted by the engine's suppression step (`crate::suppress`), not by a check.

pub use crate::diagnostics::catalogue::UNUSED_SUPPRESSION as META;
