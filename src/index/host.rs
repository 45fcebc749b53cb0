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
