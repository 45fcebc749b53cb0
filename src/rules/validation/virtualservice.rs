//! `ValidateVirtualService`, `validateHTTPRoute`, `validateHTTPRouteConflict`, the redirect,
//! direct response, rewrite, header, match, CORS, TLS and TCP route checks (istio/istio
//! `pkg/config/validation/validation.go`, `virtualservice.go`) that `schema-error` does not
//! already cover (durations, percentages, regexes, weights, ports, retries, fault status).

use super::common::{
    export_to, fqdn, host_matches, host_subset_of, is_dns1123_label, is_ip, is_ip_or_cidr, labels,
    wildcard_domain,
};
use super::Out;
use crate::model::spec_tree::Node;
use crate::model::{Resource, Spec};

pub fn validate(r: &Resource, out: &mut Out) {
    let Spec::VirtualService(vs) = &r.spec else {
        return;
    };
    let Some(t) = &vs.tree else { return };
    let hosts = t.get_strs("hosts");
    let gateways = t.get_strs("gateways");
    let http = t.get("http").map(Node::items).unwrap_or_default();
    let tcp = t.get("tcp").map(Node::items).unwrap_or_default();
    let tls = t.get("tls").map(Node::items).unwrap_or_default();
    let delegate = hosts.is_empty();
    if delegate {
        for (k, present) in [
            ("gateways", !gateways.is_empty()),
            ("tls", !tls.is_empty()),
            ("tcp", !tcp.is_empty()),
        ] {
            if present {
                out.err(
                    t.key_span(k).unwrap_or(t.span),
                    format!("a VirtualService without `hosts` is a delegate, and a delegate cannot set `{k}`"),
                    "not allowed in a delegate",
                    "add `hosts` if this VirtualService is not a delegate, or remove the field",
                );
            }
        }
    }
    let applies_to_gateway = !gateways.is_empty() && !gateways.iter().any(|g| g.value == "mesh");
    let applies_to_mesh = !applies_to_gateway;
    gateway_names(out, &gateways, &"gateways");
    if !applies_to_gateway {
        for (i, h) in http.iter().enumerate() {
            for (j, m) in h
                .get("match")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                for key in ["headers", "withoutHeaders"] {
                    for (k, _) in m.get(key).map(Node::entries).unwrap_or_default() {
                        if is_jwt_claim(&k.value) {
                            out.err(
                                k.span,
                                format!("`http[{i}].match[{j}].{key}.{}` routes on a JWT claim, which only works on gateways, but this VirtualService applies to the mesh", k.value),
                                "JWT claim route on the mesh",
                                "bind the VirtualService to an ingress gateway (`gateways:` without `mesh`), or match on a regular header",
                            );
                        }
                    }
                }
            }
        }
    }
    let sni = tls.iter().any(|r| {
        r.get("match")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .any(|m| !m.get_strs("sniHosts").is_empty())
    });
    let mut all_valid = true;
    for h in &hosts {
        let res = if applies_to_gateway && sni && h.value.starts_with("outbound_") {
            Ok(())
        } else {
            wildcard_domain(h.value)
        };
        match res {
            Err(e) if !is_ip(h.value) => {
                all_valid = false;
                out.err(h.span, format!("`hosts` entry `{}` is not a valid host: {e}", h.value), "invalid host", "write a host name such as `reviews`, `reviews.prod.svc.cluster.local` or `*.example.com`");
            }
            Ok(()) if applies_to_mesh && h.value == "*" => {
                all_valid = false;
                out.err(
                    h.span,
                    "the wildcard host `*` is not allowed in a VirtualService that applies to the mesh",
                    "`*` on the mesh",
                    "list the hosts to route, or bind the VirtualService to a gateway with `gateways:`",
                );
            }
            _ => {}
        }
    }
    if all_valid {
        for i in 0..hosts.len() {
            for j in i + 1..hosts.len() {
                if host_matches(hosts[i].value, hosts[j].value) {
                    out.err(
                        hosts[j].span,
                        format!(
                            "duplicate hosts in the VirtualService: `{}` and `{}` overlap",
                            hosts[i].value, hosts[j].value
                        ),
                        "duplicate host",
                        "list each host once; a wildcard host already covers the hosts it matches",
                    );
                }
            }
        }
    }
    if http.is_empty() && tcp.is_empty() && tls.is_empty() {
        out.err(
            t.span,
            "a VirtualService needs at least one of `http`, `tcp` or `tls`",
            "no routes",
            "add the routes, for example `http: [{route: [{destination: {host: reviews}}]}]`",
        );
    }
    for (i, h) in http.iter().enumerate() {
        let at = format!("http[{i}]");
        if h.is_null() {
            out.err(
                h.span,
                format!("`{at}` is null"),
                "null route",
                "remove the empty entry",
            );
            continue;
        }
        http_route(h, &at, delegate, out);
    }
    for (i, r) in tls.iter().enumerate() {
        let at = format!("tls[{i}]");
        let ms = r.get("match").map(Node::items).unwrap_or_default();
        if ms.is_empty() {
            out.err(
                r.key_span("match").unwrap_or(r.span),
                format!("`{at}` needs at least one `match` with `sniHosts`"),
                "TLS route without match",
                "add `match: [{sniHosts: [example.com]}]`",
            );
        }
        for (j, m) in ms.iter().enumerate() {
            let mat = format!("{at}.match[{j}]");
            let snis = m.get_strs("sniHosts");
            if snis.is_empty() {
                out.err(
                    m.span,
                    format!("`{mat}.sniHosts` is empty; a TLS match needs at least one SNI host"),
                    "no SNI hosts",
                    "list the SNI host names this route matches",
                );
            }
            for s in &snis {
                if let Err(e) = wildcard_domain(s.value) {
                    if is_ip(s.value) {
                        out.warn(s.span, format!("`{mat}.sniHosts` entry `{}` is an IP address, which goes against the SNI specification; most clients never send it", s.value), "IP address as SNI", "match on the host name clients connect to");
                    } else {
                        out.err(
                            s.span,
                            format!(
                                "`{mat}.sniHosts` entry `{}` is not a valid host: {e}",
                                s.value
                            ),
                            "invalid SNI host",
                            "write a host name such as `api.example.com`",
                        );
                    }
                    continue;
                }
                if !hosts.iter().any(|h| host_subset_of(s.value, h.value)) {
                    out.err(
                        s.span,
                        format!("`{mat}.sniHosts` entry `{}` is not covered by any of the VirtualService hosts ({})", s.value, hosts.iter().map(|h| format!("`{}`", h.value)).collect::<Vec<_>>().join(", ")),
                        "SNI host outside the VirtualService hosts",
                        "add the host to `hosts`, or match only SNI names the hosts cover",
                    );
                }
            }
            subnets(m, &mat, out);
            l4_match(m, &mat, out);
        }
        l4_route(r, &at, "TLS", out);
    }
    for (i, r) in tcp.iter().enumerate() {
        let at = format!("tcp[{i}]");
        for (j, m) in r
            .get("match")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let mat = format!("{at}.match[{j}]");
            subnets(m, &mat, out);
            l4_match(m, &mat, out);
        }
        l4_route(r, &at, "TCP", out);
    }
    export_to(out, t, &r.namespace, false);
}

/// `jwt.ToRoutingClaim(key).Match`.
fn is_jwt_claim(k: &str) -> bool {
    let l = k.to_ascii_lowercase();
    let Some(rest) = l.strip_prefix("@request.auth.claims") else {
        return false;
    };
    (rest.starts_with('.') && rest.len() > 1)
        || (rest.starts_with('[') && rest.ends_with(']') && rest.len() > 2)
}

/// `validateGatewayNames`. A name without `/` ends the check (as Istio's loop returns there).
fn gateway_names(out: &mut Out, gws: &[crate::source::Spanned<&str>], at: &dyn std::fmt::Display) {
    for g in gws {
        match g.value.split_once('/') {
            None => {
                if g.value.contains('.') {
                    let parts: Vec<&str> = g.value.split('.').collect();
                    out.warn(
                        g.span,
                        format!(
                            "`{at}` entry `{}` uses the legacy `name.namespace` gateway format",
                            g.value
                        ),
                        "legacy gateway name",
                        format!(
                            "write it as `{}/{}`",
                            parts.get(1).copied().unwrap_or(""),
                            parts[0]
                        ),
                    );
                }
                if let Err(e) = fqdn(g.value) {
                    out.err(
                        g.span,
                        format!(
                            "`{at}` entry `{}` is not a valid gateway name: {e}",
                            g.value
                        ),
                        "invalid gateway name",
                        "write `namespace/name` or a Gateway name in this namespace",
                    );
                }
                return;
            }
            Some((ns, name)) => {
                if ns.is_empty()
                    || name.is_empty()
                    || (ns != "." && !is_dns1123_label(ns))
                    || !is_dns1123_label(name)
                {
                    out.err(
                        g.span,
                        format!("`{at}` entry `{}` is not valid: the namespace and the name must both be DNS-1123 labels", g.value),
                        "invalid gateway reference",
                        "write `namespace/name`, such as `istio-system/public-gateway`",
                    );
                }
            }
        }
    }
}

fn subnets(m: &Node, at: &dyn std::fmt::Display, out: &mut Out) {
    for s in m.get_strs("destinationSubnets") {
        if !is_ip_or_cidr(s.value) {
            out.err(
                s.span,
                format!(
                    "`{at}.destinationSubnets` entry `{}` is not an IP address or CIDR",
                    s.value
                ),
                "invalid subnet",
                "write an IP such as `10.0.0.1` or a CIDR such as `10.0.0.0/16`",
            );
        }
    }
}

fn l4_match(m: &Node, at: &dyn std::fmt::Display, out: &mut Out) {
    labels(out, m, "sourceLabels", at);
    gateway_names(out, &m.get_strs("gateways"), &format_args!("{at}.gateways"));
    if let Some(ns) = m.get_str("sourceNamespace") {
        if !ns.value.is_empty() && !is_dns1123_label(ns.value) {
            out.err(
                ns.span,
                format!(
                    "`{at}.sourceNamespace` `{}` is not a namespace name (DNS-1123 label)",
                    ns.value
                ),
                "invalid namespace",
                "write the namespace name of the calling workloads",
            );
        }
    }
}

fn l4_route(r: &Node, at: &dyn std::fmt::Display, kind: &str, out: &mut Out) {
    let routes = r.get("route").map(Node::items).unwrap_or_default();
    if routes.is_empty() {
        out.err(
            r.key_span("route").unwrap_or(r.span),
            format!("`{at}.route` is required: a {kind} route needs at least one destination"),
            "no route",
            "add `route: [{destination: {host: ...}}]`",
        );
    }
    for (j, d) in routes.iter().enumerate() {
        route_destination(d, &format_args!("{at}.route[{j}]"), out);
    }
}

fn route_destination(d: &Node, at: &dyn std::fmt::Display, out: &mut Out) {
    match d.get("destination") {
        None => out.err(
            d.span,
            format!("`{at}.destination` is required"),
            "route without destination",
            "add `destination: {host: ...}`",
        ),
        Some(dest) => destination(dest, &format_args!("{at}.destination"), out),
    }
}

/// `validateDestination` (host and subset; ports are `schema-error`'s).
fn destination(d: &Node, at: &dyn std::fmt::Display, out: &mut Out) {
    if let Some(h) = d.get_str("host") {
        if h.value == "*" {
            out.err(
                h.span,
                format!("`{at}.host` is `*`; a destination must name a host"),
                "wildcard destination",
                "route to a service host such as `reviews`",
            );
        } else if let Err(e) = wildcard_domain(h.value) {
            out.err(
                h.span,
                format!("`{at}.host` `{}` is not a valid host: {e}", h.value),
                "invalid destination host",
                "write a service host such as `reviews.prod.svc.cluster.local`",
            );
        }
    }
    if let Some(s) = d.get_str("subset") {
        if !s.value.is_empty() && !is_dns1123_label(s.value) {
            out.err(
                s.span,
                format!(
                    "`{at}.subset` `{}` is not a valid subset name (DNS-1123 label)",
                    s.value
                ),
                "invalid subset name",
                "use the subset name from the DestinationRule, such as `v1`",
            );
        }
    }
}

const PSEUDO: &[&str] = &[":method", ":scheme", ":authority", ":path", ":status"];

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c))
}

fn http_route(h: &Node, at: &dyn std::fmt::Display, delegate: bool, out: &mut Out) {
    let has = |k: &str| h.get(k).is_some();
    let key = |k: &str| h.key_span(k).unwrap_or(h.span);
    let routes = h.get("route").map(Node::items).unwrap_or_default();
    if has("delegate") && !delegate {
        for k in ["redirect", "route"] {
            if has(k) {
                out.err(
                    key(k),
                    format!("`{at}` delegates, so it cannot also set `{k}`"),
                    format!("{k} with delegate"),
                    "remove `route`/`redirect`; the delegate VirtualService routes the requests",
                );
            }
        }
    } else {
        if delegate && has("delegate") {
            out.err(key("delegate"), format!("`{at}.delegate` is in a delegate VirtualService (no `hosts`); a delegate cannot delegate again"), "nested delegate", "route the requests here, or add `hosts` to make this a root VirtualService");
        }
        for (a, others) in [
            ("redirect", ["route", "fault", "rewrite", "directResponse"]),
            ("directResponse", ["route", "fault", "rewrite", "redirect"]),
        ] {
            if !has(a) {
                continue;
            }
            for o in others {
                if (o == "route" && !routes.is_empty()) || (o != "route" && has(o)) {
                    if a == "directResponse" && o == "redirect" {
                        continue;
                    }
                    out.err(
                        key(o),
                        format!("`{at}` sets both `{a}` and `{o}`, which cannot be combined"),
                        format!("{o} with {a}"),
                        format!("remove `{o}`, or replace `{a}` with a route"),
                    );
                }
            }
        }
        if routes.is_empty() && !has("redirect") && !has("directResponse") && !has("delegate") {
            out.err(
                h.span,
                format!("`{at}` needs a `route`, `redirect`, `directResponse` or `delegate`"),
                "rule without action",
                "add `route: [{destination: {host: ...}}]`",
            );
        }
        if has("mirror") && h.get("mirrors").is_some_and(|m| !m.items().is_empty()) {
            out.err(
                key("mirrors"),
                format!("`{at}` sets both `mirror` and `mirrors`; use only one"),
                "mirror with mirrors",
                "move the `mirror` destination into `mirrors`",
            );
        }
    }
    // matches
    for (j, m) in h
        .get("match")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let mat = format!("{at}.match[{j}]");
        for k in ["headers", "withoutHeaders"] {
            for (name, v) in m.get(k).map(Node::entries).unwrap_or_default() {
                let n = name.value.as_str();
                let ok = is_jwt_claim(n) || PSEUDO.contains(&n) || is_token(n);
                if !ok {
                    out.err(name.span, format!("`{mat}.{k}` has an invalid header name `{n}`"), "invalid header name", "use a header name of token characters (letters, digits, `-`, `_`, ...), a pseudo-header such as `:authority`, or `@request.auth.claims.<claim>`");
                }
                if v.is_null() && k == "headers" {
                    out.err(
                        name.span,
                        format!("`{mat}.headers.{n}` has no match; a header match cannot be null"),
                        "null header match",
                        "write `{}` to match presence, or `exact:`/`prefix:`/`regex:`",
                    );
                }
            }
        }
        for (name, v) in m.get("queryParams").map(Node::entries).unwrap_or_default() {
            if v.is_null() {
                out.err(name.span, format!("`{mat}.queryParams.{}` has no match; a query parameter match cannot be null", name.value), "null query match", "write `{}` to match presence, or `exact:`/`prefix:`/`regex:`");
            }
        }
        l4_match(m, &mat, out);
    }
    // redirect
    if let Some(rd) = h.get("redirect") {
        let p = format!("{at}.redirect");
        if ["uri", "authority", "port", "derivePort", "scheme"]
            .iter()
            .all(|k| rd.get(k).is_none())
        {
            out.err(
                key("redirect"),
                format!("`{p}` must set at least one of uri, authority, scheme or port"),
                "empty redirect",
                "set where to redirect, for example `uri: /new-path`",
            );
        }
        if let Some(c) = rd.get_int("redirectCode") {
            if c.value != 0 && !(300..=399).contains(&c.value) {
                out.err(
                    c.span,
                    format!(
                        "`{p}.redirectCode` is {}; it must be a 3xx status (300..399)",
                        c.value
                    ),
                    "not a redirect status",
                    "use 301, 302, 307 or 308",
                );
            }
        }
        if let Some(s) = rd.get_str("scheme") {
            if !matches!(s.value, "" | "http" | "https") {
                out.err(
                    s.span,
                    format!(
                        "`{p}.scheme` is `{}`; it must be `http` or `https`",
                        s.value
                    ),
                    "invalid scheme",
                    "use `http` or `https` (lower case)",
                );
            }
        }
        if let Some(pt) = rd.get_int("port") {
            if pt.value > 65535 {
                out.err(
                    pt.span,
                    format!(
                        "`{p}.port` is {}; it must be in the range 1..65535",
                        pt.value
                    ),
                    "invalid port",
                    "use the port to redirect to",
                );
            }
        }
    }
    // direct response
    if let Some(dr) = h.get("directResponse") {
        let p = format!("{at}.directResponse");
        let st = dr.get_int("status");
        let sv = st.as_ref().map_or(0, |s| s.value);
        if !(200..=600).contains(&sv) {
            out.err(
                st.as_ref().map_or(dr.span, |s| s.span),
                format!("`{p}.status` is {sv}; it must be an HTTP status from 200 to 599"),
                "invalid status",
                "set the status to return, such as 200 or 503",
            );
        }
        if let Some(b) = dr.get("body") {
            let len = b
                .get_str("string")
                .map(|s| s.value.len())
                .or_else(|| {
                    b.get_str("bytes")
                        .map(|s| s.value.trim_end_matches('=').len() * 3 / 4)
                })
                .unwrap_or(0);
            if len > 1024 * 1024 {
                out.err(
                    b.span,
                    format!("`{p}.body` is {len} bytes; Istio allows at most 1MB"),
                    "body too large",
                    "serve large responses from a backend instead",
                );
            } else if len > 100 * 1024 {
                out.warn(
                    b.span,
                    format!("`{p}.body` is {len} bytes; bodies over 100KB are not recommended"),
                    "large body",
                    "serve large responses from a backend instead",
                );
            }
        }
    }
    // rewrite
    if let Some(rw) = h.get("rewrite") {
        let p = format!("{at}.rewrite");
        let uri = rw.has_key("uri");
        let rx = rw.get("uriRegexRewrite");
        if rw.get("uri").is_some() && rx.is_some() {
            out.err(
                rw.key_span("uriRegexRewrite").unwrap_or(rw.span),
                format!("`{p}` sets both `uri` and `uriRegexRewrite`; only one may be set"),
                "uri with uriRegexRewrite",
                "keep either `uri` or `uriRegexRewrite`",
            );
        }
        if !uri && rx.is_none() && rw.get("authority").is_none() {
            out.err(
                key("rewrite"),
                format!("`{p}` must set at least one of uri, uriRegexRewrite or authority"),
                "empty rewrite",
                "set what to rewrite, or remove `rewrite`",
            );
        }
        if let Some(rx) = rx {
            for k in ["match", "rewrite"] {
                if rx.get(k).is_none() {
                    out.err(
                        rx.span,
                        format!("`{p}.uriRegexRewrite.{k}` is required"),
                        format!("no {k}"),
                        "set both `match` (an RE2 regex) and `rewrite`",
                    );
                }
            }
        }
    }
    // headers
    if let Some(hd) = h.get("headers") {
        let authority_set = h
            .get("rewrite")
            .and_then(|r| r.get_str("authority"))
            .is_some_and(|a| !a.value.is_empty());
        for (side, ops) in [
            ("request", hd.get("request")),
            ("response", hd.get("response")),
        ] {
            let Some(ops) = ops else { continue };
            for op in ["set", "add", "remove"] {
                let p = format!("{at}.headers.{side}.{op}");
                let names: Vec<(String, crate::source::Span)> = if op == "remove" {
                    ops.get_strs("remove")
                        .into_iter()
                        .map(|s| (s.value.to_string(), s.span))
                        .collect()
                } else {
                    ops.get(op)
                        .map(Node::entries)
                        .unwrap_or_default()
                        .iter()
                        .map(|(k, _)| (k.value.to_string(), k.span))
                        .collect()
                };
                for (n, span) in names {
                    let l = n.to_ascii_lowercase();
                    let with_authority = side == "request" && op != "remove";
                    let bad = if n.is_empty() {
                        Some("a header name cannot be empty")
                    } else if with_authority {
                        (l.starts_with(':') && l != ":authority")
                            .then_some("pseudo-headers other than `:authority` cannot be set")
                    } else if l == "host" || l.starts_with(':') {
                        Some("`host` and pseudo-headers cannot be changed here")
                    } else {
                        None
                    };
                    if let Some(why) = bad {
                        out.err(
                            span,
                            format!("`{p}` has header `{n}`: {why}"),
                            "header cannot be changed",
                            "remove this header operation",
                        );
                    } else if with_authority && authority_set && (l == ":authority" || l == "host")
                    {
                        out.err(span, format!("`{p}` sets `{n}` but `{at}.rewrite.authority` is set too; the authority may be rewritten in only one place"), "authority set twice", "keep either `rewrite.authority` or the header operation");
                    }
                }
            }
        }
    }
    // CORS
    if let Some(c) = h.get("corsPolicy") {
        let p = format!("{at}.corsPolicy");
        for m in c.get_strs("allowMethods") {
            if !matches!(
                m.value,
                "GET"
                    | "HEAD"
                    | "POST"
                    | "PUT"
                    | "PATCH"
                    | "DELETE"
                    | "CONNECT"
                    | "OPTIONS"
                    | "TRACE"
                    | "*"
            ) {
                out.err(m.span, format!("`{p}.allowMethods` entry `{}` is not an HTTP method", m.value), "unknown method", "use GET, HEAD, POST, PUT, PATCH, DELETE, CONNECT, OPTIONS, TRACE or `*` (upper case)");
            }
        }
        if let Some(ma) = c.get_str("maxAge") {
            match crate::model::Duration::parse(ma.value).nanos {
                Some(n) if n >= 1_000_000 && n % 1_000_000_000 != 0 => out.err(
                    ma.span,
                    format!(
                        "`{p}.maxAge` is `{}`; it is accurate only to whole seconds",
                        ma.value
                    ),
                    "not whole seconds",
                    "use a whole number of seconds, such as `24h` or `600s`",
                ),
                _ => super::common::duration(out, c, "maxAge", &p),
            }
        }
    }
    for (j, d) in routes.iter().enumerate() {
        route_destination(d, &format_args!("{at}.route[{j}]"), out);
    }
    if let Some(m) = h.get("mirror") {
        destination(m, &format_args!("{at}.mirror"), out);
    }
    for (j, m) in h
        .get("mirrors")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        match m.get("destination") {
            Some(d) => destination(d, &format_args!("{at}.mirrors[{j}].destination"), out),
            None => out.err(
                m.span,
                format!("`{at}.mirrors[{j}].destination` is required"),
                "mirror without destination",
                "add `destination: {host: ...}`",
            ),
        }
    }
}
