//! `gateway-invalid-credential` (IST0161): the Secret a Gateway's `tls.credentialName` names
//! exists but holds no usable certificate: the `tls.crt`/`tls.key` (or `cert`/`key`) keys are
//! missing or empty, the certificate is not PEM/X.509, or it is expired or not yet valid.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::gateways::{istio_gateways, selected_by_gateway};
use crate::model::secret::{base64_decode, Secret};
use crate::model::Spec;
use crate::rules::gateways::gateway_credential_not_found::workload_namespaces;
use crate::rules::RuleCx;
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    code: "IST0161",
    name: "gateway-invalid-credential",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("gateway.SecretAnalyzer"),
    summary: "a Gateway's credential Secret has no valid, unexpired certificate",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    if !ix.has_kind("Secret") {
        return;
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    for (_, r, g) in istio_gateways(ix) {
        let workloads = selected_by_gateway(ix, g);
        let namespaces = workload_namespaces(ix, &workloads);
        for s in &g.servers {
            let Some(c) = &s.credential_name else {
                continue;
            };
            for ns in &namespaces {
                let Some(sid) = ix.get("Secret", ns, &c.value) else {
                    continue; // gateway-credential-not-found
                };
                let sr = ix.resource(sid);
                let Spec::Secret(secret) = &sr.spec else {
                    continue;
                };
                let Err((problem, at)) = validate(secret, now) else {
                    continue;
                };
                let d = Diagnostic::new(
                    &META,
                    format!(
                        "Secret `{}/{}` used by Gateway `{}/{}` is not a valid TLS credential: {problem}",
                        sr.namespace, sr.name, r.namespace, r.name
                    ),
                )
                .at(c.span, "invalid credential")
                .istio_args([r.name.clone(), r.namespace.clone()])
                // long base64 lines make unreadable snippets: point at the Secret then
                .related(
                    at.filter(|a| a.len() <= 64).unwrap_or(sr.name_span),
                    format!("Secret `{}/{}`: {problem}", sr.namespace, sr.name),
                )
                .help(
                    "put a PEM certificate chain under `tls.crt` and its key under `tls.key` \
                     (e.g. `kubectl create secret tls NAME --cert=... --key=...`) and renew \
                     expired certificates; the gateway cannot serve TLS with this Secret",
                );
                cx.report(r, d);
            }
        }
    }
}

/// Istio's `ExtractCertInfo` + `ValidateCertificate`: the problem and where it is.
fn validate(s: &Secret, now: i64) -> Result<(), (String, Option<Span>)> {
    let nonempty = |k: &str| {
        s.value(k)
            .is_some_and(|(v, _)| v.as_ref().map(|b| !b.is_empty()).unwrap_or(true))
    };
    let cert_key = if nonempty("cert") && nonempty("key") {
        "cert"
    } else if nonempty("tls.crt") && nonempty("tls.key") {
        "tls.crt"
    } else {
        let mut keys: Vec<&str> = s
            .string_data
            .iter()
            .chain(s.data.iter())
            .map(|(k, _)| k.value.as_str())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let found = if keys.is_empty() {
            "no keys".to_string()
        } else {
            format!("keys {}", keys.join(", "))
        };
        let at = s
            .data
            .first()
            .or(s.string_data.first())
            .map(|(k, _)| k.span);
        return Err((
            format!(
                "it needs non-empty `tls.crt` and `tls.key` (or `cert` and `key`), found {found}"
            ),
            at,
        ));
    };
    // `nonempty(cert_key)` above found the key; never panic on input-derived data anyway
    let Some((bytes, v)) = s.value(cert_key) else {
        return Err((format!("`{cert_key}` is missing"), None));
    };
    let Ok(bytes) = bytes else {
        return Err((format!("`{cert_key}` is not valid base64"), Some(v.span)));
    };
    let der = pem_first_block(&bytes)
        .ok_or_else(|| (format!("`{cert_key}` is not PEM"), Some(v.span)))?;
    let validity = x509_validities(&der).ok_or_else(|| {
        (
            format!("`{cert_key}` does not hold an X.509 certificate"),
            Some(v.span),
        )
    })?;
    for (not_before, not_after) in validity {
        if now > not_after {
            return Err((
                format!(
                    "the certificate in `{cert_key}` expired on {}",
                    date(not_after)
                ),
                Some(v.span),
            ));
        }
        if now < not_before {
            return Err((
                format!(
                    "the certificate in `{cert_key}` is not valid before {}",
                    date(not_before)
                ),
                Some(v.span),
            ));
        }
    }
    Ok(())
}

/// The bytes of the first PEM block (Go's `pem.Decode`), whatever its type.
fn pem_first_block(data: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(data).ok()?;
    let begin = text.find("-----BEGIN ")?;
    let rest = &text[begin..];
    let header_end = rest.find('\n')?;
    let body = &rest[header_end + 1..];
    let end = body.find("-----END ")?;
    let b64: String = body[..end]
        .lines()
        .filter(|l| !l.contains(':')) // skip PEM headers
        .collect();
    base64_decode(&b64)
}

/// Reads one DER TLV at `pos`: (tag, content start, content end).
fn tlv(d: &[u8], pos: usize) -> Option<(u8, usize, usize)> {
    let tag = *d.get(pos)?;
    let first = *d.get(pos + 1)? as usize;
    let (len, start) = if first < 0x80 {
        (first, pos + 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *d.get(pos + 2 + i)? as usize;
        }
        (len, pos + 2 + n)
    };
    let end = start.checked_add(len)?;
    (end <= d.len()).then_some((tag, start, end))
}

/// (notBefore, notAfter) in Unix seconds of every certificate in concatenated DER
/// (Go's `x509.ParseCertificates`); `None` when it is not a certificate.
fn x509_validities(der: &[u8]) -> Option<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < der.len() {
        let (tag, start, end) = tlv(der, pos)?;
        if tag != 0x30 {
            return None;
        }
        // tbsCertificate
        let (tag, tbs, tbs_end) = tlv(der, start)?;
        if tag != 0x30 || tbs_end > end {
            return None;
        }
        let mut p = tbs;
        // [0] version (optional)
        let (t, _, e) = tlv(der, p)?;
        if t == 0xa0 {
            p = e;
        }
        // serialNumber, signature, issuer
        for want in [0x02u8, 0x30, 0x30] {
            let (t, _, e) = tlv(der, p)?;
            if t != want {
                return None;
            }
            p = e;
        }
        let (t, vs, _) = tlv(der, p)?;
        if t != 0x30 {
            return None;
        }
        let (t1, s1, e1) = tlv(der, vs)?;
        let (t2, s2, e2) = tlv(der, e1)?;
        let nb = asn1_time(t1, &der[s1..e1])?;
        let na = asn1_time(t2, &der[s2..e2])?;
        out.push((nb, na));
        pos = end;
    }
    (!out.is_empty()).then_some(out)
}

/// UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime (`YYYYMMDDHHMMSSZ`) → Unix seconds.
fn asn1_time(tag: u8, b: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(b).ok()?.strip_suffix('Z')?;
    let (year, rest) = match tag {
        0x17 if s.len() == 12 => {
            let yy: i64 = s[..2].parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &s[2..])
        }
        0x18 if s.len() == 14 => (s[..4].parse().ok()?, &s[4..]),
        _ => return None,
    };
    let n = |i: usize| rest.get(i..i + 2).and_then(|x| x.parse::<i64>().ok());
    let (mo, d, h, mi, se) = (n(0)?, n(2)?, n(4)?, n(6)?, n(8)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(year, mo, d) * 86400 + h * 3600 + mi * 60 + se)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// `YYYY-MM-DD` of Unix seconds.
fn date(secs: i64) -> String {
    let z = secs.div_euclid(86400) + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2023, 3, 14), 19430);
        assert_eq!(date(19430 * 86400), "2023-03-14");
        assert_eq!(
            asn1_time(0x17, b"230314061541Z"),
            Some(19430 * 86400 + 6 * 3600 + 15 * 60 + 41)
        );
        assert_eq!(
            asn1_time(0x18, b"21220218061836Z").map(date),
            Some("2122-02-18".into())
        );
    }

    #[test]
    fn rejects_non_certificates() {
        assert!(pem_first_block(b"hush hush hush\n").is_none());
        assert!(x509_validities(b"\x30\x03\x02\x01\x00").is_none());
    }
}
