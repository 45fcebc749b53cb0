//! Diagnostics are plain data: a rule's code and name, a severity, a message, the resource it is
//! about, a primary label, related labels (possibly in other files) and a help line. Rendering is
//! done elsewhere (`render`).

pub mod catalogue;
pub mod istio_catalog;
pub mod istio_messages;

use crate::source::{Span, Str};
use std::borrow::Cow;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `error|warning|info`, case-insensitively (istioctl's `Error|Warning|Info` too).
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What area a rule belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// Input that could not be read or parsed as intended.
    Syntax,
    /// A reference to an object that does not exist or does not apply.
    Reference,
    /// Routing that will not behave as written.
    Routing,
    /// Values Istio's own validation rejects.
    Schema,
    /// Retries, timeouts and other resilience settings.
    Resilience,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Syntax => "syntax",
            Category::Reference => "reference",
            Category::Routing => "routing",
            Category::Schema => "schema",
            Category::Resilience => "resilience",
        }
    }
}

/// Static metadata of one rule.
#[derive(Debug)]
pub struct RuleMeta {
    /// `IST0101`, `ML101`, ...; Istio codes are shared by several rules when Istio shares them.
    pub code: &'static str,
    /// Unique kebab-case name.
    pub name: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// The istioctl analyzer (its `--analyzer` name) this rule mirrors, if any.
    pub analyzer: Option<&'static str>,
    /// One line: what the rule checks.
    pub summary: &'static str,
}

/// The Kubernetes object a diagnostic is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectRef {
    pub kind: Str,
    pub namespace: Option<Str>,
    pub name: Str,
}

impl ObjectRef {
    pub fn new(kind: &str, namespace: Option<&str>, name: &str) -> ObjectRef {
        ObjectRef {
            kind: Str::from(kind),
            namespace: namespace.map(Str::from),
            name: Str::from(name),
        }
    }

    /// `default/reviews`, or `reviews` for cluster-scoped objects.
    pub fn qualified_name(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}", self.name),
            None => self.name.to_string(),
        }
    }
}

impl fmt::Display for ObjectRef {
    /// `VirtualService default/reviews` (istioctl's origin format).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.qualified_name())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub span: Span,
    /// Most labels are fixed texts: borrowed, not copied into every finding.
    pub message: Cow<'static, str>,
}

/// One finding; its fields ([`DiagnosticData`]) are read through `Deref`. Boxed: findings are
/// collected in per-rule vectors that grow by doubling, then merged and sorted, and moving a
/// pointer instead of the ~250-byte record keeps those vectors and copies small.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic(Box<DiagnosticData>);

impl std::ops::Deref for Diagnostic {
    type Target = DiagnosticData;
    fn deref(&self) -> &DiagnosticData {
        &self.0
    }
}

impl std::ops::DerefMut for Diagnostic {
    fn deref_mut(&mut self) -> &mut DiagnosticData {
        &mut self.0
    }
}

/// The fields of a [`Diagnostic`].
#[derive(Clone, Debug, PartialEq)]
pub struct DiagnosticData {
    pub code: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Borrowed when it is a fixed text (most are), so that it is not copied into every finding.
    pub help: Option<Cow<'static, str>>,
    pub resource: Option<ObjectRef>,
    /// The primary location; its message is the label drawn under the snippet.
    pub primary: Option<Label>,
    /// Secondary locations ("defined here"), possibly in other files.
    pub related: Vec<Label>,
    /// The parameters of Istio's message template for `code`, in template order (rendered by
    /// `--format istioctl`); empty: the template is not filled and `message` is used.
    pub istio_args: Vec<String>,
    /// The environments (independent analyses: declared stages or clusters) the finding was
    /// made in, comma-separated; `None` when the input is one environment.
    pub environment: Option<Box<str>>,
    /// The Kubernetes Gateway API status condition istiod would write for this problem, when
    /// the finding stands for one (JSON `gateway_api`).
    pub gateway_api: Option<Box<StatusCondition>>,
}

/// A negative status condition of a Gateway API object (the JSON contract of
/// `gateway_api`): condition `type`, istiod's `reason`, and where in the status it sits
/// (`object`, `listener:<name>`, `parent:[<Kind>:]<ns>/<name>[/<section>][:<port>]`,
/// `ancestor:[<Kind>:]<ns>/<name>[/<section>]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusCondition {
    pub type_: &'static str,
    pub reason: &'static str,
    pub scope: String,
}

/// A finding's text without spare capacity: `format!` reserves room to grow, and findings are
/// kept (in the thousands) until the report is written.
fn tight(mut s: String) -> String {
    s.shrink_to_fit();
    s
}

fn tight_cow(s: Cow<'static, str>) -> Cow<'static, str> {
    match s {
        Cow::Owned(s) => Cow::Owned(tight(s)),
        b => b,
    }
}

impl Diagnostic {
    /// The message, prefixed with `[environment] ` when the finding belongs to one (for the
    /// one-line formats: compact, GitHub, GitLab, JUnit, istioctl).
    pub fn message_in_environment(&self) -> Cow<'_, str> {
        match &self.environment {
            Some(e) => Cow::Owned(format!("[{e}] {}", self.message)),
            None => Cow::Borrowed(&self.message),
        }
    }

    pub fn new(meta: &'static RuleMeta, message: impl Into<String>) -> Diagnostic {
        Diagnostic(Box::new(DiagnosticData {
            code: meta.code,
            rule: meta.name,
            severity: meta.severity,
            message: tight(message.into()),
            help: None,
            resource: None,
            primary: None,
            related: Vec::new(),
            istio_args: Vec::new(),
            environment: None,
            gateway_api: None,
        }))
    }

    pub fn at(mut self, span: Span, label: impl Into<Cow<'static, str>>) -> Diagnostic {
        self.primary = Some(Label {
            span,
            message: tight_cow(label.into()),
        });
        self
    }

    pub fn related(mut self, span: Span, label: impl Into<Cow<'static, str>>) -> Diagnostic {
        self.related.push(Label {
            span,
            message: tight_cow(label.into()),
        });
        self
    }

    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Diagnostic {
        self.help = Some(tight_cow(help.into()));
        self
    }

    pub fn resource(mut self, r: Option<&ObjectRef>) -> Diagnostic {
        self.resource = r.cloned();
        self
    }

    /// The parameters of Istio's message template for this code, in order.
    pub fn istio_args<I, S>(mut self, args: I) -> Diagnostic
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.istio_args = args.into_iter().map(|a| tight(a.into())).collect();
        self
    }

    /// The Gateway API status condition this finding stands for ([`StatusCondition`]).
    pub fn condition(
        mut self,
        type_: &'static str,
        reason: &'static str,
        scope: impl Into<String>,
    ) -> Diagnostic {
        self.gateway_api = Some(Box::new(StatusCondition {
            type_,
            reason,
            scope: scope.into(),
        }));
        self
    }

    pub fn severity(mut self, s: Severity) -> Diagnostic {
        self.severity = s;
        self
    }

    pub fn span(&self) -> Option<Span> {
        self.primary.as_ref().map(|l| l.span)
    }
}

/// Joins names for messages: `a, b, c`; `(none)` when empty.
pub fn list_or_none<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        "(none)".to_string()
    } else {
        items
            .iter()
            .map(|s| s.as_ref())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The level of a validation finding: Istio's validation reports errors (IST0106) and warnings
/// (IST0133).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

/// One problem found by a validator, before it becomes a diagnostic of the error or warning rule.
#[derive(Debug, Clone)]
pub struct Finding {
    pub level: Level,
    pub span: Span,
    pub message: String,
    pub label: Cow<'static, str>,
    pub help: Cow<'static, str>,
}

/// At most this many other objects are named and labelled in one finding (a Gateway whose host
/// 300 others also serve, say): the rest are counted or summed up as "and others", so that the
/// report grows with the number of findings and not with the square of the colliding objects.
pub const MAX_LISTED: usize = 20;

/// The first [`MAX_LISTED`] of `items` and, when there are more, an `and N more` item.
pub fn capped<S: AsRef<str>>(items: &[S]) -> Vec<String> {
    let mut out: Vec<String> = items
        .iter()
        .take(MAX_LISTED)
        .map(|s| s.as_ref().to_string())
        .collect();
    if items.len() > MAX_LISTED {
        out.push(format!("and {} more", items.len() - MAX_LISTED));
    }
    out
}

/// `items` joined with `sep`, followed by `and others` when `cut`: for lists whose scan stopped
/// after [`MAX_LISTED`] (counting the rest would mean visiting every colliding object for
/// every object, which is quadratic when hundreds collide).
pub fn join_open<S: AsRef<str>>(items: &[S], sep: &str, cut: bool) -> String {
    let mut s = items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(sep);
    if cut {
        s.push_str(" and others");
    }
    s
}
