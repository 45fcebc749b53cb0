//! Istio's message templates (`pkg/config/analysis/msg/messages.yaml`, as data in
//! [`super::istio_catalog`]) and how istioctl fills them: Go's `fmt.Sprintf` with the
//! parameters a rule put in [`Diagnostic::istio_args`].
//!
//! Verbs: `%s`, `%v` and `%d` insert the argument as given (a rule passes a list already in
//! Go's `%v` form, see [`go_list`]), `%q` quotes it as Go's `strconv.Quote` does, `%%` is `%`.

use super::istio_catalog::{ANALYZERS, MESSAGES};
use crate::diagnostics::Diagnostic;

/// An Istio message type from the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageType {
    pub code: &'static str,
    pub name: &'static str,
    /// `Error`, `Warning` or `Info`.
    pub level: &'static str,
    pub template: &'static str,
}

/// The catalog entry for an Istio code (`IST0101`), if Istio defines it.
pub fn message_type(code: &str) -> Option<MessageType> {
    MESSAGES
        .binary_search_by(|(c, ..)| (*c).cmp(code))
        .ok()
        .map(|i| {
            let (code, name, level, template) = MESSAGES[i];
            MessageType {
                code,
                name,
                level,
                template,
            }
        })
}

/// Whether Istio's catalog defines this code.
pub fn is_istio_code(code: &str) -> bool {
    message_type(code).is_some()
}

/// The description istioctl prints for an analyzer (`-L`), if known.
pub fn analyzer_description(name: &str) -> Option<String> {
    if let Some(kind) = name.strip_prefix("schema.ValidationAnalyzer.") {
        return Some(format!(
            "Runs schema validation as an analyzer on '{kind}' resources"
        ));
    }
    ANALYZERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, d)| d.to_string())
}

/// A list in Go's `%v` form: `[a b c]`.
pub fn go_list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    format!("[{}]", items.join(" "))
}

/// Go's `%q` of a string (`strconv.Quote`): double quotes, `\"`, `\\` and escapes for control
/// characters.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The verbs of a template, in order (`s`, `v`, `q`, `d`).
fn verbs(template: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            match chars.next() {
                Some('%') | None => {}
                Some(v) => out.push(v),
            }
        }
    }
    out
}

/// Fills a template with its arguments; `None` unless there is exactly one per verb.
pub fn fill(template: &str, args: &[String]) -> Option<String> {
    if verbs(template).len() != args.len() {
        return None;
    }
    let mut out = String::with_capacity(template.len() + 32);
    let mut args = args.iter();
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('q') => out.push_str(&go_quote(args.next()?)),
            Some(_) => out.push_str(args.next()?),
            None => out.push('%'),
        }
    }
    Some(out)
}

/// The message istioctl would print for a diagnostic: Istio's template for its code filled
/// with the rule's `istio_args` (templates without parameters need none); otherwise meshlint's
/// own message.
pub fn istio_message(d: &Diagnostic) -> String {
    // schema validation templates (`Schema validation error: %v`) take the validation text,
    // which is meshlint's own message
    let schema_text;
    let args: &[String] = if d.istio_args.is_empty() && matches!(d.code, "IST0106" | "IST0133") {
        schema_text = [d.message.clone()];
        &schema_text
    } else {
        &d.istio_args
    };
    message_type(d.code)
        .and_then(|t| fill(t.template, args))
        .unwrap_or_else(|| d.message.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_is_sorted_and_found() {
        assert!(MESSAGES.windows(2).all(|w| w[0].0 < w[1].0));
        let t = message_type("IST0101").unwrap();
        assert_eq!(t.name, "ReferencedResourceNotFound");
        assert_eq!(t.level, "Error");
        assert!(message_type("ML101").is_none());
    }

    #[test]
    fn fills_like_go() {
        let t = message_type("IST0101").unwrap().template;
        assert_eq!(
            fill(
                t,
                &["host+subset in destinationrule".into(), "reviews+v2".into()]
            )
            .unwrap(),
            "Referenced host+subset in destinationrule not found: \"reviews+v2\""
        );
        assert_eq!(fill(t, &["x".into()]), None);
        assert_eq!(
            fill("a %d%% \"%q\"", &["5".into(), "a\"b".into()]).unwrap(),
            "a 5% \"\"a\\\"b\"\""
        );
        assert_eq!(go_list(&["a", "b"]), "[a b]");
        assert_eq!(
            fill(message_type("IST0134").unwrap().template, &[]).unwrap(),
            "ServiceEntry addresses are required for this protocol."
        );
    }

    #[test]
    fn analyzer_descriptions() {
        assert_eq!(
            analyzer_description("schema.ValidationAnalyzer.VirtualService").unwrap(),
            "Runs schema validation as an analyzer on 'VirtualService' resources"
        );
        assert!(analyzer_description("virtualservice.GatewayAnalyzer").is_some());
    }
}
