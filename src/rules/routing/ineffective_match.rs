//! `ineffective-match` (IST0131): a match of a VirtualService rule that never applies, because an
//! earlier match is identical (HTTP, TCP, TLS) or, for HTTP, an earlier `uri.prefix` match with
//! compatible conditions takes all its requests. The analysis lives in `unreachable_rule`.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::rules::routing::unreachable_rule::{analyze, Finding, Ineffective};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0131",
    name: "ineffective-match",
    severity: Severity::Info,
    category: Category::Routing,
    analyzer: Some("schema.ValidationAnalyzer.VirtualService"),
    summary: "a match of a VirtualService rule that never applies because an earlier identical or broader prefix match takes its requests",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for f in analyze(vs) {
            if let Finding::Ineffective(i) = f {
                cx.report(r, diagnostic(&i));
            }
        }
    }
}

fn diagnostic(i: &Ineffective) -> Diagnostic {
    let this = &i.rule;
    let m = i.matched.istio_name();
    let em = i.earlier_match.istio_name();
    let same_rule = this.section == i.earlier_rule.section && this.index == i.earlier_rule.index;
    let earlier = if same_rule {
        format!("match {em} of the same rule")
    } else {
        format!("match {em} of {}", i.earlier_rule)
    };
    match &i.prefixes {
        None => {
            let help = if same_rule {
                format!("remove match {m}; it repeats match {em} of the same rule")
            } else {
                format!(
                    "remove match {m} from {this} or change it; requests it selects are already routed by {}",
                    i.earlier_rule
                )
            };
            Diagnostic::new(
                &META,
                format!("match {m} of {this} never applies: it is identical to {earlier}, which is matched first"),
            )
            .at(i.matched.span, "duplicate match")
            .related(i.earlier_match.span, "matched first here")
            .help(help)
        }
        Some((p, ep)) => {
            let help = if same_rule {
                format!(
                    "remove match {m}: prefix `{}` of the same rule already selects these requests",
                    ep.prefix
                )
            } else {
                format!(
                    "move {this} above {} so the longer prefix `{}` is tried first, or remove match {m}",
                    i.earlier_rule, p.prefix
                )
            };
            Diagnostic::new(
                &META,
                format!(
                    "match {m} of {this} never applies: uri prefix `{}` is covered by prefix `{}` of {earlier}, which is matched first",
                    p.prefix, ep.prefix
                ),
            )
            .at(p.span, "covered prefix")
            .related(ep.span, "matched first here")
            .help(help)
        }
    }
}
