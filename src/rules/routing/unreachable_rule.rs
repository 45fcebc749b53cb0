//! `unreachable-rule` (IST0130): an HTTP, TCP or TLS rule of a VirtualService that no request can
//! reach, because an earlier rule without `match` catches everything, or because every one of
//! its matches repeats a match of an earlier rule.
//!
//! The analysis here is shared with `ineffective-match` (IST0131). It follows istio/istio
//! `pkg/config/validation/validation.go`: `analyzeUnreachableHTTPRules`,
//! `analyzeUnreachableTCPRules`, `analyzeUnreachableTLSRules`, `genMatchHTTPRoutes`,
//! `coveredValidation` and `asJSON`, and the de-duplication of identical messages istioctl does
//! before printing (`diag.Messages.SortedDedupedCopy`).

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::istio::{
    HttpMatch, HttpRoute, L4Route, MatchKey, MatchKind, StringMatch, VirtualService,
};
use crate::rules::RuleCx;
use crate::source::Span;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

pub static META: RuleMeta = RuleMeta {
    code: "IST0130",
    name: "unreachable-rule",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: Some("schema.ValidationAnalyzer.VirtualService"),
    summary: "a VirtualService rule that no request reaches: an earlier rule without `match` or earlier identical matches take all its traffic",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for f in analyze(vs) {
            if let Finding::Unreachable(u) = f {
                cx.report(r, u.diagnostic());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Shared analysis

/// Which list of the VirtualService a rule is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Http,
    Tcp,
    Tls,
}

impl Section {
    pub(crate) fn key(self) -> &'static str {
        match self {
            Section::Http => "http",
            Section::Tcp => "tcp",
            Section::Tls => "tls",
        }
    }
}

/// A rule of the VirtualService, for messages.
#[derive(Debug, Clone)]
pub(crate) struct RuleRef {
    pub section: Section,
    pub index: usize,
    pub name: Option<String>,
    /// Where to point at the rule: its name, else its `match` key, else its first action.
    pub span: Span,
}

impl RuleRef {
    fn http(r: &HttpRoute) -> RuleRef {
        let span = r
            .name
            .as_ref()
            .map(|n| n.span)
            .or(r.match_key)
            .or(r.route_key)
            .or(r.extras().redirect)
            .or(r.extras().direct_response)
            .or(r.extras().delegate)
            .unwrap_or(r.span);
        RuleRef {
            section: Section::Http,
            index: r.index,
            name: r.name.as_ref().map(|n| n.value.to_string()),
            span,
        }
    }

    fn l4(section: Section, r: &L4Route) -> RuleRef {
        RuleRef {
            section,
            index: r.index,
            name: None,
            span: r.match_key.or(r.route_key).unwrap_or(r.span),
        }
    }

    /// Istio's `routeName`: `"name"` for named HTTP rules, else `#N` (0-based).
    pub(crate) fn istio_name(&self) -> String {
        match &self.name {
            Some(n) if !n.is_empty() => go_quote(n),
            _ => format!("#{}", self.index),
        }
    }

    fn same_rule(&self, other: &RuleRef) -> bool {
        self.section == other.section && self.index == other.index
    }
}

impl fmt::Display for RuleRef {
    /// `http rule "reviews-v2"`, `tcp rule #1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} rule {}", self.section.key(), self.istio_name())
    }
}

/// A match of a rule, for messages.
#[derive(Debug, Clone)]
pub(crate) struct MatchRef {
    pub index: usize,
    pub name: Option<String>,
    pub span: Span,
}

impl MatchRef {
    /// Istio's `requestName`: `"name"` for named HTTP matches, else `#N` (0-based).
    pub(crate) fn istio_name(&self) -> String {
        match &self.name {
            Some(n) if !n.is_empty() => go_quote(n),
            _ => format!("#{}", self.index),
        }
    }
}

/// Go's `%q` for the usual rule names (Rust's debug escaping differs only for rare controls).
fn go_quote(s: &str) -> String {
    format!("{s:?}")
}

/// Why a rule is unreachable (Istio's `reason` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    /// "only the last rule can have no matches": a second catch-all.
    SecondCatchAll,
    /// "route without matches defined before": a rule with matches after a catch-all.
    AfterCatchAll,
    /// "all matches used by prior rules".
    AllMatchesUsed,
}

impl Reason {
    pub(crate) fn istio(self) -> &'static str {
        match self {
            Reason::SecondCatchAll => "only the last rule can have no matches",
            Reason::AfterCatchAll => "route without matches defined before",
            Reason::AllMatchesUsed => "all matches used by prior rules",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Unreachable {
    pub rule: RuleRef,
    pub reason: Reason,
    /// The catch-all that shadows the rule, or the earlier matches its matches repeat.
    pub shadowed_by: Vec<(RuleRef, Option<MatchRef>)>,
}

/// A uri prefix of an HTTP match, for the prefix-coverage check.
#[derive(Debug, Clone)]
pub(crate) struct PrefixInfo {
    pub prefix: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct Ineffective {
    pub rule: RuleRef,
    pub matched: MatchRef,
    pub earlier_rule: RuleRef,
    pub earlier_match: MatchRef,
    /// `Some((this, earlier))` when an earlier uri prefix covers this one; `None` for an exact
    /// duplicate.
    pub prefixes: Option<(PrefixInfo, PrefixInfo)>,
}

impl Ineffective {
    /// Istio's (ruleno, matchno, dupno) message parameters.
    fn istio_key(&self) -> (String, String, String) {
        match &self.prefixes {
            None => (
                self.rule.istio_name(),
                self.matched.istio_name(),
                self.earlier_rule.istio_name(),
            ),
            Some((this, earlier)) => (
                self.rule.istio_name(),
                format!("{} of prefix {}", self.matched.istio_name(), this.prefix),
                format!(
                    "{} of prefix {} on {}",
                    self.earlier_match.istio_name(),
                    earlier.prefix,
                    self.earlier_rule.istio_name()
                ),
            ),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Finding {
    Unreachable(Unreachable),
    Ineffective(Ineffective),
}

/// The IST0130 and IST0131 findings of one VirtualService, in Istio's order (HTTP, TCP, TLS),
/// with the messages istioctl would print only once reported once.
pub(crate) fn analyze(vs: &VirtualService) -> Vec<Finding> {
    let mut out = Vec::new();
    analyze_http(&vs.http, &mut out);
    analyze_l4(Section::Tcp, &vs.tcp, &mut out);
    analyze_l4(Section::Tls, &vs.tls, &mut out);
    let mut seen_unreachable = HashSet::new();
    let mut seen_ineffective = HashSet::new();
    out.retain(|f| match f {
        Finding::Unreachable(u) => seen_unreachable.insert((u.rule.istio_name(), u.reason.istio())),
        Finding::Ineffective(i) => seen_ineffective.insert(i.istio_key()),
    });
    out
}

/// One rule, seen generically: its reference and its matches as (ref, duplicate key).
struct GenericRule {
    rule: RuleRef,
    /// `None` or empty: a catch-all.
    matches: Vec<(MatchRef, MatchKey)>,
}

/// The catch-all and duplicate-match walk shared by HTTP, TCP and TLS. Returns, per rule, the
/// indices of its matches that count for the prefix check (not after a catch-all, not a
/// duplicate).
fn walk(rules: &[GenericRule], out: &mut Vec<Finding>) -> Vec<Vec<usize>> {
    let mut first_seen: HashMap<MatchKey, (usize, usize)> = HashMap::new();
    // the first catch-all: the rule that actually takes the traffic
    let mut catch_all: Option<usize> = None;
    let mut kept = Vec::with_capacity(rules.len());
    for (ri, r) in rules.iter().enumerate() {
        let mut keep = Vec::new();
        if r.matches.is_empty() {
            if let Some(c) = catch_all {
                out.push(Finding::Unreachable(Unreachable {
                    rule: r.rule.clone(),
                    reason: Reason::SecondCatchAll,
                    shadowed_by: vec![(rules[c].rule.clone(), None)],
                }));
            } else {
                catch_all = Some(ri);
            }
            kept.push(keep);
            continue;
        }
        if let Some(c) = catch_all {
            // Istio reports this once per match; istioctl prints identical messages once
            out.push(Finding::Unreachable(Unreachable {
                rule: r.rule.clone(),
                reason: Reason::AfterCatchAll,
                shadowed_by: vec![(rules[c].rule.clone(), None)],
            }));
            kept.push(keep);
            continue;
        }
        let mut shadowed_by = Vec::new();
        for (mi, (m, key)) in r.matches.iter().enumerate() {
            match first_seen.get(key) {
                Some(&(er, em)) => {
                    let (earlier_match, _) = &rules[er].matches[em];
                    out.push(Finding::Ineffective(Ineffective {
                        rule: r.rule.clone(),
                        matched: m.clone(),
                        earlier_rule: rules[er].rule.clone(),
                        earlier_match: earlier_match.clone(),
                        prefixes: None,
                    }));
                    shadowed_by.push((rules[er].rule.clone(), Some(earlier_match.clone())));
                }
                None => {
                    first_seen.insert(*key, (ri, mi));
                    keep.push(mi);
                }
            }
        }
        if shadowed_by.len() == r.matches.len() {
            out.push(Finding::Unreachable(Unreachable {
                rule: r.rule.clone(),
                reason: Reason::AllMatchesUsed,
                shadowed_by,
            }));
        }
        kept.push(keep);
    }
    kept
}

fn analyze_l4(section: Section, routes: &[L4Route], out: &mut Vec<Finding>) {
    let rules: Vec<GenericRule> = routes
        .iter()
        .map(|r| GenericRule {
            rule: RuleRef::l4(section, r),
            matches: r
                .matches
                .iter()
                .flatten()
                .enumerate()
                .map(|(i, m)| {
                    (
                        MatchRef {
                            index: i,
                            name: None,
                            span: m.span,
                        },
                        m.canonical,
                    )
                })
                .collect(),
        })
        .collect();
    walk(&rules, out);
}

fn analyze_http(routes: &[HttpRoute], out: &mut Vec<Finding>) {
    let rules: Vec<GenericRule> = routes
        .iter()
        .map(|r| GenericRule {
            rule: RuleRef::http(r),
            matches: r
                .matches
                .iter()
                .flatten()
                .map(|m| {
                    (
                        MatchRef {
                            index: m.index,
                            name: m.extras().name.as_ref().map(|n| n.value.to_string()),
                            span: m.span,
                        },
                        m.canonical,
                    )
                })
                .collect(),
        })
        .collect();
    let kept = walk(&rules, out);

    // uri prefix coverage, over the matches that are neither after a catch-all nor duplicates
    let mut prefixed: Vec<(usize, usize, PrefixMatch)> = Vec::new();
    for (ri, keep) in kept.iter().enumerate() {
        let matches = routes[ri].matches.as_deref().unwrap_or_default();
        for &mi in keep {
            if let Some(p) = PrefixMatch::of(&matches[mi]) {
                prefixed.push((ri, mi, p));
            }
        }
    }
    for (i, (ra, ma, a)) in prefixed.iter().enumerate() {
        for (rb, mb, b) in &prefixed[i + 1..] {
            if a.prefix.prefix == b.prefix.prefix || !covers(a, b) {
                continue;
            }
            out.push(Finding::Ineffective(Ineffective {
                rule: rules[*rb].rule.clone(),
                matched: rules[*rb].matches[*mb].0.clone(),
                earlier_rule: rules[*ra].rule.clone(),
                earlier_match: rules[*ra].matches[*ma].0.clone(),
                prefixes: Some((b.prefix.clone(), a.prefix.clone())),
            }));
        }
    }
}

/// Istio's `OverlappingMatchValidationForHTTPRoute`: the parts of an HTTP match with a
/// `uri.prefix` that the coverage check compares. Values are `exact:V`, `prefix:V` or empty.
#[derive(Debug)]
struct PrefixMatch {
    prefix: PrefixInfo,
    port: i64,
    method: String,
    authority: String,
    headers: BTreeMap<String, String>,
    query_params: BTreeMap<String, String>,
    without_headers: BTreeMap<String, String>,
}

impl PrefixMatch {
    fn of(m: &HttpMatch) -> Option<PrefixMatch> {
        let uri = m.uri.as_ref()?;
        if uri.kind != MatchKind::Prefix || uri.value.value.is_empty() {
            return None;
        }
        let mut method = exact_or_prefix(m.extras().method.as_ref());
        if method.is_empty() {
            // Istio takes a match without a method as `exact: GET`
            method = "exact:GET".to_string();
        }
        let map = |entries: &[(
            crate::source::Spanned<crate::source::Str>,
            Option<StringMatch>,
        )]| {
            entries
                .iter()
                .map(|(k, v)| (k.value.to_string(), exact_or_prefix(v.as_ref())))
                .collect::<BTreeMap<_, _>>()
        };
        Some(PrefixMatch {
            prefix: PrefixInfo {
                prefix: uri.value.value.to_string(),
                span: uri.value.span,
            },
            port: m.extras().port.as_ref().map_or(0, |p| p.value),
            method,
            authority: exact_or_prefix(m.extras().authority.as_ref()),
            headers: map(&m.headers),
            query_params: map(&m.extras().query_params),
            without_headers: map(&m.extras().without_headers),
        })
    }
}

/// Istio's `assignExactOrPrefix`: regex and empty matches give the empty string.
fn exact_or_prefix(m: Option<&StringMatch>) -> String {
    match m {
        Some(m) if !m.value.value.is_empty() => match m.kind {
            MatchKind::Exact => format!("exact:{}", m.value.value),
            MatchKind::Prefix => format!("prefix:{}", m.value.value),
            MatchKind::Regex => String::new(),
        },
        _ => String::new(),
    }
}

/// Istio's `coveredValidation(a, b)`: the earlier match `a` takes the requests of the later `b`.
/// Note the direction of the value test: `a`'s value must equal or start with `b`'s.
fn covers(a: &PrefixMatch, b: &PrefixMatch) -> bool {
    let compatible = |x: &str, y: &str| x == y || x.starts_with(y);
    let maps = |x: &BTreeMap<String, String>, y: &BTreeMap<String, String>| {
        x.len() == y.len()
            && x.iter()
                .all(|(k, v)| y.get(k).is_some_and(|w| compatible(v, w)))
    };
    b.prefix.prefix.starts_with(&a.prefix.prefix)
        && a.port == b.port
        && compatible(&a.method, &b.method)
        && compatible(&a.authority, &b.authority)
        && maps(&a.headers, &b.headers)
        && maps(&a.query_params, &b.query_params)
        && maps(&a.without_headers, &b.without_headers)
}

// ---------------------------------------------------------------------------------------------
// Messages

impl Unreachable {
    fn diagnostic(&self) -> Diagnostic {
        let this = &self.rule;
        let section = this.section.key();
        match self.reason {
            Reason::SecondCatchAll | Reason::AfterCatchAll => {
                let (first, _) = &self.shadowed_by[0];
                let (msg, help) = if self.reason == Reason::SecondCatchAll {
                    (
                        format!(
                            "{this} is unreachable: {first} has no `match` either and catches every request first; only the last rule of `{section}` may omit `match`"
                        ),
                        format!(
                            "add a `match` to {first} or remove one of the two catch-all rules; the catch-all must be the last rule of `{section}`"
                        ),
                    )
                } else {
                    (
                        format!(
                            "{this} is unreachable: {first} has no `match` and catches every request first"
                        ),
                        format!(
                            "move the catch-all {first} to the end of `{section}`, after the rules with a `match`"
                        ),
                    )
                };
                Diagnostic::new(&META, msg)
                    .at(this.span, "never reached")
                    .related(first.span, "matched first here (no `match`)")
                    .help(help)
            }
            Reason::AllMatchesUsed => {
                let mut earlier: Vec<String> = Vec::new();
                for (r, _) in &self.shadowed_by {
                    let s = if r.same_rule(this) {
                        "this rule itself".to_string()
                    } else {
                        r.to_string()
                    };
                    if !earlier.contains(&s) {
                        earlier.push(s);
                    }
                }
                let what = if self.shadowed_by.len() == 1 {
                    "its only match repeats"
                } else {
                    "each of its matches repeats"
                };
                let mut d = Diagnostic::new(
                    &META,
                    format!(
                        "{this} is unreachable: {what} a match of {}, which is matched first",
                        earlier.join(", ")
                    ),
                )
                .at(this.span, "never reached")
                .help(format!(
                    "remove {this}, or change its `match` so that it selects requests the earlier rules do not"
                ));
                for (r, m) in &self.shadowed_by {
                    if let Some(m) = m {
                        d = d.related(m.span, format!("matched first here ({r})"));
                    }
                }
                d
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pm(prefix: &str, method: &str) -> PrefixMatch {
        PrefixMatch {
            prefix: PrefixInfo {
                prefix: prefix.into(),
                span: Span::new(crate::source::FileId::new(0), 0, 0),
            },
            port: 0,
            method: method.into(),
            authority: String::new(),
            headers: BTreeMap::new(),
            query_params: BTreeMap::new(),
            without_headers: BTreeMap::new(),
        }
    }

    #[test]
    fn coverage_follows_istio() {
        assert!(covers(
            &pm("/api/v1/product", "exact:GET"),
            &pm("/api/v1/products", "exact:GET")
        ));
        assert!(!covers(
            &pm("/api/v1/product", "exact:GET"),
            &pm("/api/v1/products", "exact:POST")
        ));
        // the later match's prefix must extend the earlier one's
        assert!(!covers(
            &pm("/api/v1/products", "exact:GET"),
            &pm("/api/v1/product", "exact:GET")
        ));
        // Istio's direction: the earlier value must start with the later one
        assert!(covers(&pm("/a", "exact:GET"), &pm("/ab", "exact:G")));
        let mut a = pm("/a", "exact:GET");
        a.headers.insert("end-user".into(), "exact:jason".into());
        let mut b = pm("/ab", "exact:GET");
        assert!(!covers(&a, &b));
        b.headers.insert("end-user".into(), "exact:jason".into());
        assert!(covers(&a, &b));
        b.port = 8080;
        assert!(!covers(&a, &b));
    }

    fn run(yaml: &str) -> Vec<(&'static str, String)> {
        let opts = crate::engine::Options {
            select: vec!["IST0130".into(), "IST0131".into()],
            ..crate::engine::Options::default()
        };
        let report =
            crate::engine::analyze(vec![crate::engine::Input::text("t.yaml", yaml)], &opts);
        report
            .diagnostics
            .iter()
            .map(|d| (d.code, d.message.clone()))
            .collect()
    }

    const HEAD: &str = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r, namespace: default}\nspec:\n  hosts: [r]\n";

    #[test]
    fn a_rule_after_a_catch_all_is_reported_once() {
        let got = run(&format!(
            "{HEAD}  http:\n  - route: [{{destination: {{host: r}}}}]\n  - match: [{{uri: {{prefix: /a}}}}, {{uri: {{prefix: /b}}}}]\n    route: [{{destination: {{host: r}}}}]\n  - route: [{{destination: {{host: r}}}}]\n  - route: [{{destination: {{host: r}}}}]\n"
        ));
        let codes: Vec<_> = got.iter().map(|(c, _)| *c).collect();
        assert_eq!(codes, ["IST0130", "IST0130", "IST0130"], "{got:#?}");
        assert!(got[0]
            .1
            .starts_with("http rule #1 is unreachable: http rule #0 has no"));
        // both later catch-alls are shadowed by the first one
        assert!(got[2]
            .1
            .starts_with("http rule #3 is unreachable: http rule #0 has no"));
    }

    #[test]
    fn match_with_empty_list_is_a_catch_all() {
        let got = run(&format!(
            "{HEAD}  tcp:\n  - match: []\n    route: [{{destination: {{host: r}}}}]\n  - match: [{{port: 1}}]\n    route: [{{destination: {{host: r}}}}]\n"
        ));
        assert_eq!(got.len(), 1, "{got:#?}");
        assert!(got[0].1.starts_with("tcp rule #1 is unreachable"));
    }

    #[test]
    fn duplicate_within_one_rule_and_regex_prefixes() {
        let got = run(&format!(
            "{HEAD}  http:\n  - match: [{{uri: {{prefix: /a}}}}, {{uri: {{prefix: /a}}, ignoreUriCase: false}}]\n    route: [{{destination: {{host: r}}}}]\n  - match: [{{uri: {{regex: /a.*}}}}, {{uri: {{exact: /ab}}}}]\n    route: [{{destination: {{host: r}}}}]\n"
        ));
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!(got[0].0, "IST0131");
        assert!(got[0].1.contains("identical to match #0 of the same rule"));
    }

    #[test]
    fn names_are_ignored_and_quoted() {
        let got = run(&format!(
            "{HEAD}  http:\n  - name: first\n    match: [{{name: x, uri: {{prefix: /a}}}}]\n    route: [{{destination: {{host: r}}}}]\n  - name: second\n    match: [{{name: y, uri: {{prefix: /a}}}}]\n    route: [{{destination: {{host: r}}}}]\n"
        ));
        let msgs: Vec<_> = got.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:#?}");
        assert!(msgs
            .iter()
            .any(|m| m.starts_with(r#"http rule "second" is unreachable"#)));
        assert!(msgs
            .iter()
            .any(|m| m.starts_with(r#"match "y" of http rule "second" never applies"#)));
    }
}
