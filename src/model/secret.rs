//! Core v1 `Secret`: its type and data keys, for the gateway credential checks. Values stay as
//! written (base64 under `data`, plain text under `stringData`); [`Secret::value`] decodes.

use super::reader::Cx;
use crate::source::{Spanned, Str};
use crate::yaml::Value;

/// A decoded Secret value (`Err` when its base64 does not decode) and the written value.
pub type SecretValue<'a> = (Result<Vec<u8>, ()>, &'a Spanned<Str>);

#[derive(Debug, Clone, Default)]
pub struct Secret {
    pub type_: Option<Spanned<Str>>,
    /// `data` entries: key and base64 value as written.
    pub data: Vec<(Spanned<Str>, Spanned<Str>)>,
    /// `stringData` entries: key and plain value.
    pub string_data: Vec<(Spanned<Str>, Spanned<Str>)>,
}

impl Secret {
    /// The decoded bytes of key `k` (`stringData` wins over `data`, as the API server merges
    /// them), with the span of its value; `Err` when the base64 in `data` does not decode.
    pub fn value(&self, k: &str) -> Option<SecretValue<'_>> {
        if let Some((_, v)) = self.string_data.iter().find(|(key, _)| key.value == k) {
            return Some((Ok(v.value.as_bytes().to_vec()), v));
        }
        let (_, v) = self.data.iter().find(|(key, _)| key.value == k)?;
        Some((base64_decode(&v.value).ok_or(()), v))
    }

    /// The span of key `k` (in `stringData` or `data`).
    pub fn key(&self, k: &str) -> Option<&Spanned<Str>> {
        self.string_data
            .iter()
            .chain(self.data.iter())
            .find(|(key, _)| key.value == k)
            .map(|(key, _)| key)
    }
}

/// Core v1 `ConfigMap`: the keys of its `data` (values are not kept; whether each is empty
/// is), for CA certificate references (`ca.crt`, `cacert`).
#[derive(Debug, Clone, Default)]
pub struct ConfigMap {
    /// Each `data` key, whether its value is non-empty, and whether it holds a PEM certificate
    /// block.
    pub data_keys: Vec<(Spanned<Str>, bool, bool)>,
}

impl ConfigMap {
    /// istiod's `ExtractRootFromString`: `Err(message)` when `data` has no non-empty `cacert`
    /// or `ca.crt`.
    pub fn ca_root(&self) -> Result<(), String> {
        if self.root().is_some() {
            return Ok(());
        }
        for k in ["cacert", "ca.crt"] {
            if self.data_keys.iter().any(|(key, _, _)| key.value == k) {
                return Err(format!("its key `{k}` is empty"));
            }
        }
        let mut found: Vec<&str> = self
            .data_keys
            .iter()
            .map(|(k, _, _)| k.value.as_str())
            .collect();
        found.sort_unstable();
        Err(format!(
            "it has neither `ca.crt` nor `cacert` (found: {})",
            if found.is_empty() {
                "no keys".to_string()
            } else {
                found.join(", ")
            }
        ))
    }
}

impl ConfigMap {
    /// The key `ExtractRootFromString` takes the root from (`cacert` first, then `ca.crt`), and
    /// whether its value holds a PEM certificate block.
    pub fn root(&self) -> Option<(&Spanned<Str>, bool)> {
        ["cacert", "ca.crt"].iter().find_map(|k| {
            self.data_keys
                .iter()
                .find(|(key, full, _)| key.value == *k && *full)
                .map(|(key, _, pem)| (key, *pem))
        })
    }
}

pub fn config_map<'a>(cx: &mut Cx<'a>, v: Value<'a>) -> ConfigMap {
    let mut keys = Vec::new();
    if let Some(data) = v.get("data").filter(|d| d.is_map()) {
        for (k, val) in cx.entries(data).unwrap_or_default() {
            if let Some((key, _)) = k.scalar() {
                let text = val.scalar().map(|(s, _)| s).unwrap_or("");
                let pem = text.contains("-----BEGIN CERTIFICATE-----");
                keys.push((
                    Spanned::new(Str::from(key), k.span()),
                    !text.is_empty(),
                    pem,
                ));
            }
        }
    }
    ConfigMap { data_keys: keys }
}

pub fn secret<'a>(cx: &mut Cx<'a>, v: Value<'a>) -> Secret {
    Secret {
        type_: cx.string(v.get("type"), "type"),
        data: cx.string_map(v.get("data"), "data"),
        string_data: cx.string_map(v.get("stringData"), "stringData"),
    }
}

/// Standard base64 (RFC 4648, padding optional, whitespace ignored), as Kubernetes writes
/// Secret data.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut padding = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        if padding > 0 {
            return None;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // a single leftover sextet cannot encode a byte
    if bits >= 6 || padding > 2 {
        return None;
    }
    Some(out)
}

/// The Secrets an object that makes Secrets makes (named in its own namespace): a cert-manager
/// `Certificate`'s `spec.secretName`; a `SealedSecret`'s `spec.template.metadata.name`, else its
/// own name; an `ExternalSecret`'s `spec.target.name`, else its own name; a
/// `SecretProviderClass`'s `spec.secretObjects[].secretName`.
pub fn provided_secrets(kind: &str, spec: Option<Value>, own_name: &str) -> Vec<Str> {
    let text = |v: Option<Value>| v.and_then(|v| v.scalar()).map(|s| Str::from(s.0));
    let at = |path: &[&str]| {
        let mut v = spec;
        for p in path {
            v = v.and_then(|x| x.get(p));
        }
        text(v)
    };
    match kind {
        "Certificate" => at(&["secretName"]).into_iter().collect(),
        "SealedSecret" => {
            vec![at(&["template", "metadata", "name"]).unwrap_or_else(|| Str::from(own_name))]
        }
        "ExternalSecret" => vec![at(&["target", "name"]).unwrap_or_else(|| Str::from(own_name))],
        _ => spec
            .and_then(|s| s.get("secretObjects"))
            .filter(|s| s.is_seq())
            .map(|s| {
                s.items()
                    .into_iter()
                    .filter_map(|o| text(o.get("secretName")))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64() {
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGVsbG8").unwrap(), b"hello");
        assert_eq!(base64_decode("aGVs\nbG8h").unwrap(), b"hell\x6f!");
        assert!(base64_decode("a").is_none());
        assert!(base64_decode("a$b=").is_none());
    }
}

#[cfg(test)]
mod config_map_tests {
    use crate::model::Spec;

    fn read(data: &str) -> super::ConfigMap {
        let text =
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: ca}}\ndata:\n{data}");
        let (_, resources, _) = crate::engine::load(
            vec![crate::engine::Input::text("c.yaml", &text)],
            &crate::engine::Options::default(),
        );
        match &resources[0].spec {
            Spec::ConfigMap(c) => c.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ca_bundles_as_istiod_extracts_them() {
        let pem = "  ca.crt: |\n    -----BEGIN CERTIFICATE-----\n    MIIB\n    -----END CERTIFICATE-----\n";
        let ok = read(pem);
        assert!(ok.ca_root().is_ok());
        assert!(ok.root().unwrap().1);
        let wrong_key = read("  not-ca.crt: hello\n");
        assert!(wrong_key.ca_root().unwrap_err().contains("not-ca.crt"));
        let empty = read("  cacert: \"\"\n");
        assert!(empty.ca_root().unwrap_err().contains("empty"));
        let not_pem = read("  cacert: hello\n");
        assert!(not_pem.ca_root().is_ok());
        assert!(!not_pem.root().unwrap().1);
    }
}
