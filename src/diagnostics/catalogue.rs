//! The metadata of the findings the layers below the rules report about their input: the
//! loader (`yaml`), the model, the engine's suppression step. They name these findings through
//! this catalogue, so they need nothing from `rules`; each also has a file in `rules/input/`
//! that registers it (`rules::RULES`) with its documentation.

use super::{Category, RuleMeta, Severity};

/// `yaml-syntax-error` (ML001): a document is not valid YAML
///
/// Emitted by the loader and the model while reading input; there is no separate check.
pub static YAML_SYNTAX_ERROR: RuleMeta = RuleMeta {
    code: "ML001",
    name: "yaml-syntax-error",
    severity: Severity::Error,
    category: Category::Syntax,
    analyzer: None,
    summary: "a document is not valid YAML",
};

/// `unknown-field` (ML002): a field that the Istio kind does not have (often a typo)
///
/// Emitted by the loader and the model while reading input; there is no separate check.
pub static UNKNOWN_FIELD: RuleMeta = RuleMeta {
    code: "ML002",
    name: "unknown-field",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: None,
    summary: "a field that the Istio kind does not have (often a typo)",
};

/// `invalid-type` (ML003): a field holds the wrong type of value
///
/// Emitted by the loader and the model while reading input; there is no separate check.
pub static INVALID_TYPE: RuleMeta = RuleMeta {
    code: "ML003",
    name: "invalid-type",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: None,
    summary: "a field holds the wrong type of value",
};

/// `duplicate-key` (ML004): a mapping defines the same key twice
///
/// Emitted by the loader and the model while reading input; there is no separate check.
pub static DUPLICATE_KEY: RuleMeta = RuleMeta {
    code: "ML004",
    name: "duplicate-key",
    severity: Severity::Error,
    category: Category::Syntax,
    analyzer: None,
    summary: "a mapping defines the same key twice",
};

/// `input-limit` (ML005): input exceeds a safety limit (file size, nesting depth, node count, alias expansion)
///
/// Emitted by the loader and the model while reading input; there is no separate check.
pub static INPUT_LIMIT: RuleMeta = RuleMeta {
    code: "ML005",
    name: "input-limit",
    severity: Severity::Error,
    category: Category::Syntax,
    analyzer: None,
    summary: "input exceeds a safety limit (file size, nesting depth, node count, alias expansion)",
};

/// `unreadable-input` (ML006): a file cannot be read as UTF-8 text (I/O error, binary or invalid UTF-8)
///
/// Emitted by the loader and the model while reading input; there is no separate check.
pub static UNREADABLE_INPUT: RuleMeta = RuleMeta {
    code: "ML006",
    name: "unreadable-input",
    severity: Severity::Error,
    category: Category::Syntax,
    analyzer: None,
    summary: "a file cannot be read as UTF-8 text (I/O error, binary or invalid UTF-8)",
};

/// `not-a-resource` (ML007): a YAML document is not a Kubernetes object and is skipped
///
/// Emitted by the loader and the model while reading input; there is no separate check.
pub static NOT_A_RESOURCE: RuleMeta = RuleMeta {
    code: "ML007",
    name: "not-a-resource",
    severity: Severity::Info,
    category: Category::Syntax,
    analyzer: None,
    summary: "a YAML document is not a Kubernetes object and is skipped",
};

/// `missing-name` (ML008): an object has no metadata.name
///
/// Emitted by the loader and the model while reading input; there is no separate check.
pub static MISSING_NAME: RuleMeta = RuleMeta {
    code: "ML008",
    name: "missing-name",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: None,
    summary: "an object has no metadata.name",
};

/// `unused-suppression` (ML009): a `# meshlint: disable...` directive code that suppressed no
/// finding. Emitted by the engine's suppression step (`crate::suppress`), not by a check.
pub static UNUSED_SUPPRESSION: RuleMeta = RuleMeta {
    code: "ML009",
    name: "unused-suppression",
    severity: Severity::Warning,
    category: Category::Syntax,
    analyzer: None,
    summary: "a `# meshlint: disable` directive code that suppresses no finding",
};

/// `unknown-suppression-code` (ML010): a `# meshlint:` directive naming a code or rule that does
/// not exist, or a malformed directive. Emitted by `crate::suppress`, not by a check.
pub static UNKNOWN_SUPPRESSION_CODE: RuleMeta = RuleMeta {
    code: "ML010",
    name: "unknown-suppression-code",
    severity: Severity::Warning,
    category: Category::Syntax,
    analyzer: None,
    summary: "a `# meshlint:` directive with an unknown rule code or name, or an unknown directive",
};

/// `duplicate-object` (ML011): one object (API group, kind, namespace, name) is defined more
/// than once in the input.
///
/// Emitted by the engine when it keeps one copy per identity; there is no separate check.
pub static DUPLICATE_OBJECT: RuleMeta = RuleMeta {
    code: "ML011",
    name: "duplicate-object",
    severity: Severity::Warning,
    category: Category::Syntax,
    analyzer: None,
    summary: "the same object (group, kind, namespace, name) is defined more than once; only the last copy is analysed",
};

/// `not-in-input` (ML012): a reference the input cannot resolve, where the input holds no
/// evidence that it would contain the target ([`crate::index::evidence`]).
///
/// Reported by the rules that resolve references (instead of their own "not found" error);
/// there is no separate check.
pub static NOT_IN_INPUT: RuleMeta = RuleMeta {
    code: "ML012",
    name: "not-in-input",
    severity: Severity::Info,
    category: Category::Reference,
    analyzer: None,
    summary: "a reference to an object the input does not hold and gives no evidence of (checked with --context)",
};

/// `helm-chart-not-rendered` (ML013): a Helm chart in the input; its templates are not YAML
/// until rendered, so they are not checked.
///
/// Emitted by the loader for each chart's `Chart.yaml`; there is no separate check.
pub static HELM_CHART_NOT_RENDERED: RuleMeta = RuleMeta {
    code: "ML013",
    name: "helm-chart-not-rendered",
    severity: Severity::Info,
    category: Category::Syntax,
    analyzer: None,
    summary: "a Helm chart whose templates are not checked until rendered (`helm template | meshlint check -`)",
};

/// `kustomize-not-built` (ML014): a Kustomize root could not be built, so its files were
/// analysed as plain files instead.
///
/// Emitted by the loader for the kustomization file, with the reason the CLI gives; there is no
/// separate check.
pub static KUSTOMIZE_NOT_BUILT: RuleMeta = RuleMeta {
    code: "ML014",
    name: "kustomize-not-built",
    severity: Severity::Warning,
    category: Category::Syntax,
    analyzer: None,
    summary: "a kustomization could not be built (no kustomize or kubectl, a build error, a remote resource); its files were analysed as plain files",
};

/// `yaml-flow-indentation` (ML016): a flow collection's closing `]` or `}` stands on its own
/// line at (or left of) its parent's indentation. Strict YAML 1.2 parsers (saphyr-parser among
/// them) reject it; go-yaml, which kubectl uses, accepts it. The loader reads such a document
/// the way kubectl does and reports this warning instead of ML001.
///
/// Emitted by the loader (`yaml::parse_chunk`); there is no separate check.
pub static YAML_FLOW_INDENTATION: RuleMeta = RuleMeta {
    code: "ML016",
    name: "yaml-flow-indentation",
    severity: Severity::Warning,
    category: Category::Syntax,
    analyzer: None,
    summary: "a flow collection's closing bracket is at its parent's indentation: kubectl accepts it, strict YAML parsers do not",
};
