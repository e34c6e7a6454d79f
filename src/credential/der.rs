//! Just enough DER to move RSA keys between PKCS#8 and PKCS#1 and to recognise key and PFX files.
//!
//! Strict: definite lengths only (PKCS#8 and PKCS#1 keys are always DER). Nothing here copies
//! key material except into zeroizing buffers.

use zeroize::Zeroizing;

use crate::secrets::SecretBytes;

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
const NULL: u8 = 0x05;

/// OID 1.2.840.113549.1.1.1 (rsaEncryption), content bytes.
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/// OID prefix 1.2.840.113549.1.7 (PKCS#7 content types: data, signedData, …).
const PKCS7_PREFIX: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];

/// Splits one TLV off the front: `(tag, content, rest)`.
fn read(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// Reads one TLV that must have `tag`.
fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (t, content, rest) = read(input)?;
    (t == tag).then_some((content, rest))
}

/// The content of a SEQUENCE that fills the whole input.
fn whole_sequence(input: &[u8]) -> Option<&[u8]> {
    let (content, rest) = expect(input, SEQUENCE)?;
    rest.is_empty().then_some(content)
}

fn write(tag: u8, content: &[u8], out: &mut Vec<u8>) {
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
}

/// An integer's magnitude without leading zero bytes (for comparing moduli).
fn magnitude(int: &[u8]) -> &[u8] {
    let skip = int.iter().take_while(|&&b| b == 0).count();
    &int[skip..]
}

/// What the algorithm identifier of a PKCS#8 key says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pkcs8Algorithm {
    Rsa,
    /// Any other algorithm (EC, Ed25519, RSA-PSS…), with its OID in dotted form when readable.
    Other(String),
}

/// A parsed PKCS#8 `PrivateKeyInfo`: the algorithm and the inner key (PKCS#1 for RSA).
pub(crate) struct Pkcs8<'a> {
    pub algorithm: Pkcs8Algorithm,
    pub inner: &'a [u8],
}

/// Parses a PKCS#8 (v1 or v2) private key.
pub(crate) fn parse_pkcs8(der: &[u8]) -> Option<Pkcs8<'_>> {
    let body = whole_sequence(der)?;
    let (version, rest) = expect(body, INTEGER)?;
    if version != [0] && version != [1] {
        return None;
    }
    let (alg, rest) = expect(rest, SEQUENCE)?;
    let (oid, _params) = expect(alg, OID)?;
    let (inner, _attributes) = expect(rest, OCTET_STRING)?;
    let algorithm = if oid == RSA_ENCRYPTION {
        Pkcs8Algorithm::Rsa
    } else {
        Pkcs8Algorithm::Other(dotted_oid(oid))
    };
    Some(Pkcs8 { algorithm, inner })
}

/// The public half `(modulus, exponent)` of a PKCS#1 `RSAPrivateKey`, leading zeros removed.
pub(crate) fn pkcs1_public_parts(pkcs1: &[u8]) -> Option<(&[u8], &[u8])> {
    let body = whole_sequence(pkcs1)?;
    let (version, rest) = expect(body, INTEGER)?;
    if version != [0] && version != [1] {
        return None;
    }
    let (n, rest) = expect(rest, INTEGER)?;
    let (e, rest) = expect(rest, INTEGER)?;
    // d, p, q, dp, dq, qinv must follow for a private key.
    let (_d, _rest) = expect(rest, INTEGER)?;
    Some((magnitude(n), magnitude(e)))
}

/// `(modulus, exponent)` of a PKCS#1 `RSAPublicKey`, leading zeros removed.
pub(crate) fn rsa_public_parts(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let body = whole_sequence(der)?;
    let (n, rest) = expect(body, INTEGER)?;
    let (e, rest) = expect(rest, INTEGER)?;
    rest.is_empty().then_some((magnitude(n), magnitude(e)))
}

/// Wraps a PKCS#1 RSA key as PKCS#8 (what the keyring holds).
pub(crate) fn pkcs1_to_pkcs8(pkcs1: &[u8]) -> SecretBytes {
    let mut alg = Vec::with_capacity(15);
    write(OID, RSA_ENCRYPTION, &mut alg);
    write(NULL, &[], &mut alg);
    let mut body = Zeroizing::new(Vec::with_capacity(pkcs1.len() + 32));
    write(INTEGER, &[0], &mut body);
    write(SEQUENCE, &alg, &mut body);
    write(OCTET_STRING, pkcs1, &mut body);
    let mut out = Vec::with_capacity(body.len() + 4);
    write(SEQUENCE, &body, &mut out);
    SecretBytes::new(out)
}

/// Whether these bytes look like a PKCS#12 (PFX) file: `SEQUENCE { INTEGER 3, SEQUENCE { OID
/// pkcs7-… } … }`. Lenient about the outer lengths, which some exporters write in BER form.
pub(crate) fn looks_like_pfx(bytes: &[u8]) -> bool {
    let Some((&SEQUENCE, rest)) = bytes.split_first() else {
        return false;
    };
    let Some((&len, rest)) = rest.split_first() else {
        return false;
    };
    let rest = if len > 0x80 {
        rest.get(usize::from(len & 0x7f)..).unwrap_or_default()
    } else {
        rest
    };
    let Some(rest) = rest.strip_prefix(&[INTEGER, 1, 3]) else {
        return false;
    };
    let Some((&SEQUENCE, rest)) = rest.split_first() else {
        return false;
    };
    // Skip the auth-safe length (short, long or indefinite form), then expect the OID.
    let rest = match rest.first() {
        Some(&l) if l > 0x80 => rest.get(1 + usize::from(l & 0x7f)..),
        Some(_) => rest.get(1..),
        None => None,
    };
    rest.and_then(|r| r.strip_prefix(&[OID, 9]))
        .is_some_and(|oid| oid.starts_with(PKCS7_PREFIX))
}

/// Whether these bytes are a binary private key (PKCS#8 or PKCS#1).
pub(crate) fn looks_like_private_key(bytes: &[u8]) -> bool {
    parse_pkcs8(bytes).is_some() || pkcs1_public_parts(bytes).is_some()
}

/// OID of elliptic-curve keys (id-ecPublicKey), dotted.
pub(crate) const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";

/// A person's name for a key algorithm OID (dotted form), e.g. "EC (elliptic curve)".
pub(crate) fn key_algorithm_name(oid: &str) -> String {
    match oid {
        EC_PUBLIC_KEY => "EC (elliptic curve)".into(),
        "1.3.101.112" => "Ed25519".into(),
        "1.2.840.113549.1.1.10" => "RSA-PSS (restricted)".into(),
        "1.2.840.10040.4.1" => "DSA".into(),
        other => format!("OID {other}"),
    }
}

/// An OID in dotted form, e.g. `1.2.840.10045.2.1` (EC public key).
fn dotted_oid(oid: &[u8]) -> String {
    let mut parts = Vec::new();
    let mut value: u64 = 0;
    for &b in oid {
        value = (value << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if parts.is_empty() {
                let first = (value / 40).min(2);
                parts.push(first);
                parts.push(value - first * 40);
            } else {
                parts.push(value);
            }
            value = 0;
        }
    }
    parts
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lengths_round_trip() {
        for len in [0usize, 1, 127, 128, 255, 256, 1218, 70_000] {
            let content = vec![7u8; len];
            let mut out = Vec::new();
            write(OCTET_STRING, &content, &mut out);
            let (tag, got, rest) = read(&out).expect("reads back");
            assert_eq!((tag, got.len(), rest.len()), (OCTET_STRING, len, 0));
        }
        assert!(read(&[SEQUENCE, 0x82, 0x01]).is_none(), "truncated length");
        assert!(
            read(&[SEQUENCE, 0x05, 1, 2]).is_none(),
            "content shorter than length"
        );
    }

    #[test]
    fn pkcs1_wrapped_as_pkcs8_unwraps_to_the_same_key() {
        // A toy RSAPrivateKey: version 0, n = 0x00C5, e = 3, d = 5 (structure only).
        let mut body = Vec::new();
        for int in [&[0u8][..], &[0x00, 0xc5], &[3], &[5]] {
            write(INTEGER, int, &mut body);
        }
        let mut pkcs1 = Vec::new();
        write(SEQUENCE, &body, &mut pkcs1);
        let pkcs8 = pkcs1_to_pkcs8(&pkcs1);
        let parsed = parse_pkcs8(pkcs8.expose()).expect("pkcs8");
        assert_eq!(parsed.algorithm, Pkcs8Algorithm::Rsa);
        assert_eq!(parsed.inner, pkcs1.as_slice());
        assert_eq!(
            pkcs1_public_parts(parsed.inner),
            Some((&[0xc5u8][..], &[3u8][..]))
        );
        assert!(looks_like_private_key(pkcs8.expose()));
        assert!(!looks_like_pfx(pkcs8.expose()));
    }

    #[test]
    fn oids_print_dotted() {
        assert_eq!(dotted_oid(RSA_ENCRYPTION), "1.2.840.113549.1.1.1");
        assert_eq!(
            dotted_oid(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]),
            "1.2.840.10045.2.1"
        );
    }
}
