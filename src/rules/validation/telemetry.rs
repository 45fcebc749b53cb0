//! `ValidateTelemetry` (istio/istio `pkg/config/validation/validation.go`).

use super::security::{attachment, selector};
use super::values::*;
use crate::model::Resource;

pub fn telemetry(r: &Resource, out: &mut Out) {
    let Some(a) = attachment(r) else { return };
    let Some(spec) = a.tree.as_deref() else {
        return;
    };
    selector(a, spec, out);
    let tracing = spec.list("tracing");
    if tracing.len() > 1 {
        out.err(
            tracing[1].span,
            "`tracing` has more than one entry; multiple tracing configurations are not currently supported",
            "second tracing entry",
            "merge the tracing settings into one entry",
        );
    }
    for (i, t) in tracing.iter().enumerate() {
        let providers = t.list("providers");
        if providers.len() > 1 {
            out.err(
                providers[1].span,
                format!("`tracing[{i}].providers` has more than one provider; multiple tracing providers are not currently supported"),
                "second provider",
                "keep one tracing provider",
            );
        }
        if let Some(p) = t.get("randomSamplingPercentage") {
            if let Some(v) = p.text().and_then(|s| s.parse::<f64>().ok()) {
                if !(0.0..=100.0).contains(&v) {
                    out.err(p.span, format!("`tracing[{i}].randomSamplingPercentage` is {v}; it must be in the range 0..100"), "out of range", "use a percentage from 0 to 100");
                }
            }
        }
        if let Some(m) = t.get("match") {
            enum_field(
                m,
                "mode",
                &format!("tracing[{i}].match.mode"),
                &["CLIENT_AND_SERVER", "CLIENT", "SERVER"],
                out,
            );
        }
    }
    for (i, l) in spec.list("accessLogging").iter().enumerate() {
        if let Some(m) = l.get("match") {
            enum_field(
                m,
                "mode",
                &format!("accessLogging[{i}].match.mode"),
                &["CLIENT_AND_SERVER", "CLIENT", "SERVER"],
                out,
            );
        }
    }
    for (i, m) in spec.list("metrics").iter().enumerate() {
        for (j, o) in m.list("overrides").iter().enumerate() {
            let Some(tags) = o.get("tagOverrides") else {
                continue;
            };
            for (name, to) in tags.entries() {
                let path = format!("metrics[{i}].overrides[{j}].tagOverrides.{}", name.value);
                let op = to
                    .get("operation")
                    .and_then(|n| n.text())
                    .unwrap_or("UPSERT");
                let value = to.get("value").and_then(|n| n.text()).unwrap_or("");
                match op {
                    "UPSERT" if value.is_empty() => out.err(
                        name.span,
                        format!("`{path}.value` is not set; a value is required when the operation is UPSERT"),
                        "UPSERT without a value",
                        "set `value` to a CEL expression for the tag, or use `operation: REMOVE`",
                    ),
                    "REMOVE" if !value.is_empty() => out.err(
                        key_or(to, "value"),
                        format!("`{path}.value` is set but the operation is REMOVE; a value is allowed only with UPSERT"),
                        "value with REMOVE",
                        "remove `value`, or use `operation: UPSERT`",
                    ),
                    _ => {}
                }
                enum_field(
                    to,
                    "operation",
                    &format!("{path}.operation"),
                    &["UPSERT", "REMOVE"],
                    out,
                );
            }
        }
    }
}
