//! `unknown-suppression-code` (ML010): a `# meshlint:` directive naming a code or rule that does
//! not exist, or a malformed directive. Emitted by `crate::suppress`, not by a check.

use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ML010",
    name: "unknown-suppression-code",
    severity: Severity::Warning,
    category: Category::Syntax,
    analyzer: None,
    summary: "a `# meshlint:` directive with an unknown rule code or name, or an unknown directive",
};
