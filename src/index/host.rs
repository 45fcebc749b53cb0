//! Host names as istiod treats them (pilot `ResolveShortnameToFQDN`, `host.Name`).

/// Expands a short name the way istiod does: a name **without a dot** gets the namespace of
/// the resource that names it (`reviews` in `prod` → `reviews.prod.svc.cluster.local`). A name
/// with a dot is taken literally, so `reviews.prod` stays `reviews.prod`. `*` stays `*`.
pub fn resolve_short(host: &str, namespace: &str, domain: &str) -> String {
    if host.is_empty() || host.contains('.') || host.starts_with('*') {
        return host.to_string();
    }
    format!("{host}.{namespace}.svc.{domain}")
}

pub fn is_wildcard(h: &str) -> bool {
    h.starts_with('*')
}

/// Istio's `host.Name.Matches`: the two names overlap (either may be a wildcard).
pub fn matches(a: &str, b: &str) -> bool {
    match (is_wildcard(a), is_wildcard(b)) {
        (true, true) => {
            if a.len() < b.len() {
                b[1..].ends_with(&a[1..])
            } else {
                a[1..].ends_with(&b[1..])
            }
        }
        (true, false) => b.ends_with(&a[1..]),
        (false, true) => a.ends_with(&b[1..]),
        (false, false) => a == b,
    }
}

/// Istio's `host.Name.SubsetOf`: every name matched by `a` is matched by `b`.
pub fn subset_of(a: &str, b: &str) -> bool {
    if is_wildcard(b) {
        if is_wildcard(a) {
            return a[1..].ends_with(&b[1..]);
        }
        return a.ends_with(&b[1..]);
    }
    !is_wildcard(a) && a == b
}

/// For `x.ns.svc.<domain>`, the namespace `ns`.
pub fn service_namespace<'h>(fqdn: &'h str, domain: &str) -> Option<&'h str> {
    let rest = fqdn.strip_suffix(domain)?.strip_suffix(".svc.")?;
    let (name, ns) = rest.split_once('.')?;
    (!name.is_empty() && !ns.is_empty() && !ns.contains('.')).then_some(ns)
}

/// The two-part form `name.namespace` that people write meaning a cluster service.
pub fn looks_two_part(host: &str) -> Option<(&str, &str)> {
    let (a, b) = host.split_once('.')?;
    if a.is_empty() || b.is_empty() || b.contains('.') || a.starts_with('*') {
        return None;
    }
    let dns_label = |s: &str| {
        s.len() <= 63
            && s.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    };
    (dns_label(a) && dns_label(b)).then_some((a, b))
}

/// Resolves a VirtualService `gateways[]` entry to `(namespace, name)` like istiod's
/// `resolveGatewayName`: `ns/name`, `./name`, bare `name` (the VirtualService's namespace) and
/// the legacy dotted form `name.ns[.svc.cluster.local]`.
pub fn resolve_gateway_ref(reference: &str, vs_namespace: &str) -> (String, String) {
    if let Some((ns, name)) = reference.split_once('/') {
        let ns = if ns == "." { vs_namespace } else { ns };
        return (ns.to_string(), name.to_string());
    }
    if let Some((name, rest)) = reference.split_once('.') {
        let ns = rest.split('.').next().unwrap_or(rest);
        return (ns.to_string(), name.to_string());
    }
    (vs_namespace.to_string(), reference.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_expand_only_without_dots() {
        assert_eq!(
            resolve_short("reviews", "prod", "cluster.local"),
            "reviews.prod.svc.cluster.local"
        );
        assert_eq!(
            resolve_short("reviews.prod", "x", "cluster.local"),
            "reviews.prod"
        );
        assert_eq!(resolve_short("*", "x", "cluster.local"), "*");
        assert_eq!(
            resolve_short("*.example.com", "x", "cluster.local"),
            "*.example.com"
        );
    }

    #[test]
    fn wildcard_matching() {
        assert!(matches("*.example.com", "a.example.com"));
        assert!(matches("a.example.com", "*.example.com"));
        assert!(matches("*", "anything.io"));
        assert!(matches("*.com", "*.example.com"));
        assert!(!matches("a.example.com", "b.example.com"));
        assert!(subset_of("a.example.com", "*.example.com"));
        assert!(!subset_of("*.example.com", "a.example.com"));
        assert!(subset_of("*.a.example.com", "*.example.com"));
    }

    #[test]
    fn gateway_refs() {
        let r = |s| resolve_gateway_ref(s, "default");
        assert_eq!(r("gw"), ("default".into(), "gw".into()));
        assert_eq!(r("istio-system/gw"), ("istio-system".into(), "gw".into()));
        assert_eq!(r("./gw"), ("default".into(), "gw".into()));
        assert_eq!(r("gw.other"), ("other".into(), "gw".into()));
        assert_eq!(
            r("gw.other.svc.cluster.local"),
            ("other".into(), "gw".into())
        );
    }

    #[test]
    fn service_namespaces() {
        assert_eq!(
            service_namespace("reviews.prod.svc.cluster.local", "cluster.local"),
            Some("prod")
        );
        assert_eq!(service_namespace("reviews.prod", "cluster.local"), None);
        assert_eq!(looks_two_part("reviews.prod"), Some(("reviews", "prod")));
        assert_eq!(looks_two_part("example.com"), Some(("example", "com")));
        assert_eq!(looks_two_part("a.b.c"), None);
    }
}

/// Wildcard hosts (`*.example.com`, `*`) with values, looked up by suffix in O(labels) instead
/// of scanning every wildcard. Partial wildcards (`*foo.example.com`) are rare and kept in a
/// small list.
#[derive(Debug, Clone)]
pub struct WildcardTable<T> {
    /// key: the wildcard host itself (`*.example.com`, `*`)
    dotted: std::collections::HashMap<String, T>,
    partial: Vec<(String, T)>,
}

impl<T> Default for WildcardTable<T> {
    fn default() -> Self {
        WildcardTable {
            dotted: std::collections::HashMap::new(),
            partial: Vec::new(),
        }
    }
}

impl<T> WildcardTable<T> {
    pub fn is_empty(&self) -> bool {
        self.dotted.is_empty() && self.partial.is_empty()
    }

    /// The entry for wildcard host `w` (created with `make` when absent).
    pub fn entry(&mut self, w: &str, make: impl FnOnce() -> T) -> &mut T {
        if w == "*" || w.starts_with("*.") {
            return self.dotted.entry(w.to_string()).or_insert_with(make);
        }
        let i = match self.partial.iter().position(|(h, _)| h == w) {
            Some(i) => i,
            None => {
                self.partial.push((w.to_string(), make()));
                self.partial.len() - 1
            }
        };
        &mut self.partial[i].1
    }

    /// Every wildcard that covers `host` (`subset_of(host, w)`), most specific (longest) first.
    pub fn covering<'a>(&'a self, host: &str) -> Vec<(&'a str, &'a T)> {
        let mut out: Vec<(&str, &T)> = Vec::new();
        if !self.dotted.is_empty() {
            // `*.b.c` covers `a.b.c` and `*.a.b.c`: try every suffix that starts at a dot
            let bare = host.strip_prefix('*').unwrap_or(host);
            let mut key = String::with_capacity(bare.len() + 1);
            for (i, _) in bare.match_indices('.') {
                key.clear();
                key.push('*');
                key.push_str(&bare[i..]);
                if let Some((k, v)) = self.dotted.get_key_value(key.as_str()) {
                    out.push((k.as_str(), v));
                }
            }
            if let Some((k, v)) = self.dotted.get_key_value("*") {
                out.push((k.as_str(), v));
            }
        }
        for (w, v) in &self.partial {
            if subset_of(host, w) {
                out.push((w.as_str(), v));
            }
        }
        out.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(b.0)));
        out
    }
}

#[cfg(test)]
mod wildcard_tests {
    use super::*;

    #[test]
    fn covering_finds_most_specific_first() {
        let mut t: WildcardTable<u32> = WildcardTable::default();
        *t.entry("*", || 0) = 1;
        *t.entry("*.example.com", || 0) = 2;
        *t.entry("*.b.example.com", || 0) = 3;
        *t.entry("*ample.com", || 0) = 4;
        let got: Vec<u32> = t
            .covering("a.b.example.com")
            .iter()
            .map(|(_, v)| **v)
            .collect();
        assert_eq!(got, vec![3, 2, 4, 1]);
        let got: Vec<u32> = t
            .covering("*.b.example.com")
            .iter()
            .map(|(_, v)| **v)
            .collect();
        assert_eq!(got, vec![3, 2, 4, 1]);
        assert_eq!(t.covering("other.org").len(), 1);
        // brute force agrees with subset_of
        for h in ["x.example.com", "example.com", "*.example.com", "a.org"] {
            for (w, _) in t.covering(h) {
                assert!(subset_of(h, w), "{h} {w}");
            }
        }
    }
}

/// The resolved identity of a route destination, to compare two destinations: its host as an
/// FQDN (short names in `ns`), and its subset.
pub fn resolved_destination(
    ix: &super::Index,
    d: &crate::model::istio::Destination,
    ns: &str,
) -> Option<(String, Option<String>)> {
    let host = d.host.as_ref()?;
    Some((
        ix.fqdn(&host.value, ns),
        d.subset.as_ref().map(|s| s.value.to_string()),
    ))
}
