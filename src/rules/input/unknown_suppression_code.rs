//! `unknown-suppression-code` (ML010): a `# meshlint:` directive naming a code or rule that does
//! not exist, or a malformed directive. Emitted by `crate::suppress`, not by a check.

pub use crate::diagnostics::catalogue::UNKNOWN_SUPPRESSION_CODE as META;
