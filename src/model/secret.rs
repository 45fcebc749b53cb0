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
