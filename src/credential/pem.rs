//! PEM blocks (`-----BEGIN LABEL-----`): label, encryption headers, and the decoded bytes in a
//! zeroizing buffer (a block may be a private key).
//!
//! Tolerant of what real files contain around the blocks: openssl's "Bag Attributes" lines,
//! a UTF-8 byte order mark, CRLF line ends, comments.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

/// One PEM block.
pub(crate) struct PemBlock {
    pub label: String,
    /// Legacy OpenSSL encryption (`Proc-Type: 4,ENCRYPTED` header), used on `RSA PRIVATE KEY`.
    pub encrypted_header: bool,
    pub der: Zeroizing<Vec<u8>>,
}

/// Why the text could not be read as PEM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PemError {
    /// A `BEGIN` line without its `END` line.
    Unterminated(String),
    /// A block whose base64 does not decode.
    Damaged(String),
}

/// Whether the text contains at least one PEM `BEGIN` line.
pub(crate) fn has_pem(text: &str) -> bool {
    text.lines().any(|l| begin_label(l).is_some())
}

fn begin_label(line: &str) -> Option<&str> {
    line.trim()
        .strip_prefix("-----BEGIN ")?
        .strip_suffix("-----")
}

/// Every PEM block in the text, in order.
pub(crate) fn parse(text: &str) -> Result<Vec<PemBlock>, PemError> {
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(label) = begin_label(line) else {
            continue;
        };
        let end = format!("-----END {label}-----");
        // Sized up front: a growing buffer would leave copies of a key behind when it moves.
        let mut b64 = Zeroizing::new(String::with_capacity(text.len()));
        let mut encrypted_header = false;
        let mut closed = false;
        for body in lines.by_ref() {
            let body = body.trim();
            if body == end {
                closed = true;
                break;
            }
            if let Some((key, value)) = body.split_once(':') {
                // RFC 1421 headers such as `Proc-Type: 4,ENCRYPTED` and `DEK-Info: …`.
                encrypted_header |=
                    key.trim() == "Proc-Type" && value.trim().ends_with("ENCRYPTED");
                continue;
            }
            b64.push_str(body);
        }
        if !closed {
            return Err(PemError::Unterminated(label.to_string()));
        }
        let mut der = Zeroizing::new(Vec::with_capacity((b64.len() / 4 + 1) * 3));
        STANDARD
            .decode_vec(b64.as_bytes(), &mut der)
            .map_err(|_| PemError::Damaged(label.to_string()))?;
        blocks.push(PemBlock {
            label: label.to_string(),
            encrypted_header,
            der,
        });
    }
    Ok(blocks)
}

/// Encodes DER as a PEM block with 64-character lines and a final newline.
pub(crate) fn encode(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_blocks_among_noise_and_round_trips() {
        let der: Vec<u8> = (0..=255u8).collect();
        let text = format!(
            "\u{feff}Bag Attributes\r\n    localKeyID: 01 00\r\n{}junk\n{}",
            encode("CERTIFICATE", &der).replace('\n', "\r\n"),
            encode("PRIVATE KEY", &der[..10])
        );
        assert!(has_pem(&text));
        let blocks = parse(&text).expect("parses");
        let labels: Vec<_> = blocks.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["CERTIFICATE", "PRIVATE KEY"]);
        assert_eq!(blocks[0].der.as_slice(), der.as_slice());
        assert_eq!(blocks[1].der.as_slice(), &der[..10]);
        assert!(!blocks[0].encrypted_header);
    }

    #[test]
    fn legacy_encryption_header_is_seen() {
        let text = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        let blocks = parse(text).expect("parses");
        assert!(blocks[0].encrypted_header);
    }

    #[test]
    fn broken_blocks_are_errors() {
        assert_eq!(
            parse("-----BEGIN CERTIFICATE-----\nAAAA\n").err(),
            Some(PemError::Unterminated("CERTIFICATE".into()))
        );
        assert_eq!(
            parse("-----BEGIN CERTIFICATE-----\n!!notbase64\n-----END CERTIFICATE-----").err(),
            Some(PemError::Damaged("CERTIFICATE".into()))
        );
        assert!(!has_pem("hello"));
    }
}
