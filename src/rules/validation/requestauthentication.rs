//! `ValidateRequestAuthentication` (istio/istio `pkg/config/validation/validation.go`,
//! `pkg/config/security/security.go`).

use super::security::{attachment, selector};
use super::values::*;
use crate::model::Resource;
use crate::source::Spanned;

pub fn request_authentication(r: &Resource, out: &mut Out) {
    let Some(a) = attachment(r) else { return };
    let Some(spec) = a.tree.as_deref() else {
        return;
    };
    selector(a, spec, out);
    for (i, rule) in spec.list("jwtRules").iter().enumerate() {
        if !rule.is_map() {
            continue;
        }
        let path = format!("jwtRules[{i}]");
        if rule
            .get("issuer")
            .and_then(|n| n.text())
            .is_none_or(|s| s.is_empty())
        {
            out.err(
                rule.get("issuer").map(|n| n.span).unwrap_or(rule.span),
                format!("`{path}.issuer` is not set; every JWT rule needs an issuer"),
                "no issuer",
                "set `issuer` to the `iss` claim of the tokens, such as `https://accounts.google.com`",
            );
        }
        for (j, aud) in rule.list("audiences").iter().enumerate() {
            if aud.text().is_some_and(|s| s.is_empty()) {
                out.err(
                    aud.span,
                    format!("`{path}.audiences[{j}]` is empty"),
                    "empty audience",
                    "remove the empty entry",
                );
            }
        }
        if let Some(Spanned { value: uri, span }) = rule.get_str("jwksUri") {
            if !uri.is_empty() {
                let scheme = uri.split_once("://").map(|(s, _)| s).unwrap_or("");
                if scheme != "http" && scheme != "https" {
                    out.err(
                        span,
                        format!("`{path}.jwksUri` `{uri}` has scheme `{scheme}`; only http and https are supported"),
                        "unsupported scheme",
                        "use the https URL of the issuer's JWKS, or inline the keys with `jwks`",
                    );
                }
            }
        }
        for (j, h) in rule.list("fromHeaders").iter().enumerate() {
            if h.get("name")
                .and_then(|n| n.text())
                .is_none_or(|s| s.is_empty())
            {
                out.err(
                    h.span,
                    format!("`{path}.fromHeaders[{j}].name` is empty; the header name is required"),
                    "no header name",
                    "set `name`, such as `Authorization`",
                );
            }
        }
        for (j, p) in rule.list("fromParams").iter().enumerate() {
            if p.text().is_some_and(|s| s.is_empty()) {
                out.err(
                    p.span,
                    format!("`{path}.fromParams[{j}]` is empty"),
                    "empty query parameter",
                    "set the query parameter name, or remove the entry",
                );
            }
        }
    }
}
