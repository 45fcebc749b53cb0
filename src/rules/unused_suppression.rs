//! `unused-suppression` (ML009): a `# meshlint: disable...` directive code that suppressed no
//! finding. Emitted by the engine's suppression step (`crate::suppress`), not by a check.

use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ML009",
    name: "unused-suppression",
    severity: Severity::Warning,
    category: Category::Syntax,
    analyzer: None,
    summary: "a `# meshlint: disable` directive code that suppresses no finding",
};
