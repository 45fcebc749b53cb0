//! How istiod orders the HTTP routes of several VirtualServices that bind one host on one
//! gateway, and whether two matches can take the same request.
//!
//! istio/istio `pilot/pkg/networking/core/gateway.go` (`buildGatewayVirtualHosts` loop): the
//! routes of every VirtualService for a host are concatenated into one virtual host, in the
//! order istiod lists the VirtualServices (creation time), then `route.SortVHostRoutes` moves
//! every catch-all route to the end, keeping the relative order of the others.
//! `route.IsCatchAllRoute` (pilot/pkg/networking/core/route/route.go) decides on the translated
//! Envoy route: path prefix `/` or regex `.*` (no `uri` is prefix `/`), and no header, query
//! parameter or dynamic metadata matcher ([`Match::is_catch_all`]). Each VirtualService
//! contributes routes per `match` entry, and `BuildHTTPRoutesForVirtualService` stops after its
//! first catch-all, so each contributes at most one catch-all, as its last route.
//!
//! Sidecars do not merge: `buildSidecarOutboundHTTPRouteConfig` (httproute.go) keeps the first
//! virtual host of a name and drops the others (`DuplicatedDomains`), so no sorting happens
//! there.

use super::matcher::{full_regex, Match, MatchKindName, Sm};

/// Where a rule's first catch-all is, among the matches `exists` keeps (the ones istiod emits
/// for the proxy): `None` when it has none, `Some(None)` for a rule without `match` (the whole
/// rule is a catch-all), `Some(Some(k))` when `match[k]` is the first catch-all.
pub fn first_catch_all(
    matches: Option<&[Match]>,
    exists: impl Fn(&Match) -> bool,
) -> Option<Option<usize>> {
    match matches {
        None => Some(None),
        Some([]) => Some(None),
        Some(ms) => ms
            .iter()
            .position(|m| exists(m) && m.is_catch_all())
            .map(Some),
    }
}

/// Whether one request can satisfy both `a` and `b`, as far as the input shows: `false` only
/// when some condition of one rules out the other (different exact paths, disjoint prefixes,
/// different ports, a header one requires and the other forbids, ...). A regex against a regex
/// counts as overlapping only when the two patterns are equal: the linter does not claim an
/// overlap it cannot show.
pub fn may_overlap(a: &Match, b: &Match) -> bool {
    if let (Some(p), Some(q)) = (a.port, b.port) {
        if p != q {
            return false;
        }
    }
    if !a.gateways.is_empty()
        && !b.gateways.is_empty()
        && !a.gateways.iter().any(|g| b.gateways.contains(g))
    {
        return false;
    }
    if let (Some(x), Some(y)) = (&a.source_namespace, &b.source_namespace) {
        if x != y {
            return false;
        }
    }
    for (k, v) in &a.source_labels {
        if b.source_labels.iter().any(|(bk, bv)| bk == k && bv != v) {
            return false;
        }
    }
    let ci = a.ignore_uri_case || b.ignore_uri_case;
    if !opt_compatible(a.uri.as_ref(), b.uri.as_ref(), ci) {
        return false;
    }
    for (x, y) in [
        (&a.method, &b.method),
        (&a.authority, &b.authority),
        (&a.scheme, &b.scheme),
    ] {
        if !opt_compatible(x.as_ref(), y.as_ref(), false) {
            return false;
        }
    }
    if !pairs_compatible(&a.headers, &b.headers)
        || !pairs_compatible(&a.query_params, &b.query_params)
    {
        return false;
    }
    // a header one requires (present, or with a value) and the other forbids outright
    let forbids = |w: &[(String, Option<Sm>)], h: &[(String, Option<Sm>)]| {
        w.iter()
            .any(|(k, v)| is_presence(v.as_ref()) && h.iter().any(|(hk, _)| hk == k))
    };
    !(forbids(&a.without_headers, &b.headers) || forbids(&b.without_headers, &a.headers))
}

fn is_presence(v: Option<&Sm>) -> bool {
    match v {
        None => true,
        Some(s) => s.kind == MatchKindName::Regex && s.value == "*",
    }
}

/// Matchers on the same name (header, query parameter) must both be satisfiable.
fn pairs_compatible(a: &[(String, Option<Sm>)], b: &[(String, Option<Sm>)]) -> bool {
    a.iter().all(|(k, x)| {
        b.iter()
            .filter(|(bk, _)| bk == k)
            .all(|(_, y)| match (x, y) {
                (Some(x), Some(y)) if !is_presence(Some(x)) && !is_presence(Some(y)) => {
                    compatible(x, y, false)
                }
                _ => true,
            })
    })
}

fn opt_compatible(a: Option<&Sm>, b: Option<&Sm>, ci: bool) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => compatible(x, y, ci),
        _ => true,
    }
}

/// Whether some value satisfies both string matches.
fn compatible(a: &Sm, b: &Sm, ci: bool) -> bool {
    use MatchKindName::*;
    let norm = |s: &str| {
        if ci {
            s.to_ascii_lowercase()
        } else {
            s.to_string()
        }
    };
    match (a.kind, b.kind) {
        (Exact, Exact) => norm(&a.value) == norm(&b.value),
        (Exact, Prefix) => norm(&a.value).starts_with(&norm(&b.value)),
        (Prefix, Exact) => norm(&b.value).starts_with(&norm(&a.value)),
        (Prefix, Prefix) => {
            let (x, y) = (norm(&a.value), norm(&b.value));
            x.starts_with(&y) || y.starts_with(&x)
        }
        (Regex, Exact) => regex_matches(&a.value, &b.value),
        (Exact, Regex) => regex_matches(&b.value, &a.value),
        (Regex, Prefix) => regex_reaches_prefix(&a.value, &b.value),
        (Prefix, Regex) => regex_reaches_prefix(&b.value, &a.value),
        (Regex, Regex) => a.value == b.value,
    }
}

fn regex_matches(pattern: &str, value: &str) -> bool {
    full_regex(pattern).is_some_and(|r| r.is_match(value))
}

/// Whether a regex is shown to match some value starting with `prefix`: the prefix itself, the
/// prefix followed by a path segment, or a pattern that starts with the prefix literally.
fn regex_reaches_prefix(pattern: &str, prefix: &str) -> bool {
    let Some(r) = full_regex(pattern) else {
        return false;
    };
    let literal = !prefix.chars().any(|c| "\\.+*?()|[]{}^$".contains(c));
    r.is_match(prefix)
        || r.is_match(&format!("{prefix}/x"))
        || r.is_match(&format!("{prefix}x"))
        || (literal && pattern.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use MatchKindName::*;

    fn sm(kind: MatchKindName, v: &str) -> Option<Sm> {
        Some(Sm {
            kind,
            value: v.to_string(),
        })
    }

    fn uri(kind: MatchKindName, v: &str) -> Match {
        Match {
            uri: sm(kind, v),
            ..Match::default()
        }
    }

    #[test]
    fn overlap_of_paths() {
        assert!(may_overlap(&uri(Prefix, "/api"), &uri(Prefix, "/api/v1")));
        assert!(!may_overlap(&uri(Prefix, "/api"), &uri(Prefix, "/web")));
        assert!(may_overlap(&uri(Exact, "/api/x"), &uri(Prefix, "/api")));
        assert!(!may_overlap(&uri(Exact, "/a"), &uri(Exact, "/b")));
        assert!(may_overlap(&uri(Regex, "/api/.*"), &uri(Prefix, "/api")));
        assert!(!may_overlap(
            &uri(Regex, "/img/[0-9]+"),
            &uri(Prefix, "/api")
        ));
        assert!(!may_overlap(&uri(Regex, "/a.*"), &uri(Regex, "/b.*")));
        assert!(may_overlap(&Match::default(), &uri(Exact, "/x")));
    }

    #[test]
    fn overlap_of_other_conditions() {
        let mut a = uri(Prefix, "/");
        a.headers = vec![("x-user".into(), sm(Exact, "a"))];
        let mut b = uri(Prefix, "/");
        b.headers = vec![("x-user".into(), sm(Exact, "b"))];
        assert!(!may_overlap(&a, &b));
        b.headers = vec![("x-other".into(), sm(Exact, "b"))];
        assert!(may_overlap(&a, &b));
        let c = Match {
            without_headers: vec![("x-user".into(), None)],
            ..Match::default()
        };
        assert!(!may_overlap(&a, &c));
        let (mut p, mut q) = (Match::default(), Match::default());
        p.port = Some(80);
        q.port = Some(443);
        assert!(!may_overlap(&p, &q));
    }

    #[test]
    fn catch_all_position() {
        let exists = |_: &Match| true;
        assert_eq!(first_catch_all(None, exists), Some(None));
        let ms = vec![uri(Prefix, "/api"), uri(Prefix, "/"), uri(Exact, "/x")];
        assert_eq!(first_catch_all(Some(&ms), exists), Some(Some(1)));
        assert_eq!(first_catch_all(Some(&ms[..1]), exists), None);
        // a catch-all the proxy does not get does not count
        assert_eq!(
            first_catch_all(Some(&ms), |m: &Match| m.uri != sm(Prefix, "/")),
            None
        );
    }
}
