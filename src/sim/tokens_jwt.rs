//! The sim's token signing key: issues Graph access tokens (RS256) and validates them.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Value, json};

use super::SimError;
use super::certs;

/// Signing key plus its published JWK.
pub(crate) struct Signer {
    enc: EncodingKey,
    dec: DecodingKey,
    kid: String,
    jwk: Value,
}

/// Why Graph rejects a bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    /// No token or an empty one.
    Empty,
    /// Not a compact JWT.
    Malformed,
    /// Signature or structure invalid.
    Invalid,
    /// `aud` is not this Graph.
    Audience,
    /// `exp` has passed (or `nbf` is ahead).
    Expired,
}

/// The parts of a valid access token Graph needs.
#[derive(Debug, Clone)]
pub(crate) struct AccessClaims {
    pub(crate) appid: String,
    pub(crate) roles: Vec<String>,
    /// Delegated scopes (`scp`, space-separated in the token); empty for app-only tokens.
    pub(crate) scp: Vec<String>,
    /// Directory role template ids (`wids`).
    pub(crate) wids: Vec<String>,
    /// The audience the token was issued for.
    pub(crate) aud: String,
    /// The signed-in user (`upn`); empty for app-only tokens.
    pub(crate) upn: String,
    /// `oid`: the user, or for app-only tokens the app's service principal.
    pub(crate) oid: String,
}

fn crypto(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> SimError {
    SimError::Crypto(e.into())
}

impl Signer {
    /// A fresh RSA-2048 key with a self-signed certificate (for `x5c`).
    pub(crate) fn generate() -> Result<Signer, SimError> {
        let key =
            rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
                .map_err(crypto)?;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(crypto)?;
        params.distinguished_name.push(
            rcgen::DnType::CommonName,
            "accounts.accesscontrol.windows.net",
        );
        let cert = params.self_signed(&key).map_err(crypto)?;
        let der = cert.der().to_vec();
        let info = certs::certificate_from_der(der.clone(), std::path::Path::new("signing"))
            .map_err(crypto)?;
        let enc = EncodingKey::from_rsa_pem(key.serialize_pem().as_bytes()).map_err(crypto)?;
        let dec = DecodingKey::from_rsa_raw_components(&info.rsa_n, &info.rsa_e);
        let kid = info.x5t.clone();
        let jwk = json!({
            "kty": "RSA",
            "use": "sig",
            "kid": kid,
            "x5t": info.x5t,
            "n": URL_SAFE_NO_PAD.encode(&info.rsa_n),
            "e": URL_SAFE_NO_PAD.encode(&info.rsa_e),
            "x5c": [STANDARD.encode(&der)],
        });
        Ok(Signer { enc, dec, kid, jwk })
    }

    /// The JWK (for the JWKS document), with `issuer` set.
    pub(crate) fn jwk(&self, issuer: &str) -> Value {
        let mut k = self.jwk.clone();
        k["issuer"] = json!(issuer);
        k
    }

    /// Signs claims as an RS256 JWT with `x5t` and `kid` headers.
    pub(crate) fn sign(&self, claims: &Value) -> Result<String, SimError> {
        let mut header = Header::new(Algorithm::RS256);
        header.typ = Some("JWT".into());
        header.kid = Some(self.kid.clone());
        header.x5t = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.enc).map_err(crypto)
    }

    /// Validates a Graph bearer token: signature, then audience, then lifetime (no skew).
    pub(crate) fn verify(
        &self,
        token: &str,
        audience: &str,
        now: i64,
    ) -> Result<AccessClaims, TokenProblem> {
        self.verify_for(token, |aud| aud == audience, now)
    }

    /// Validates a bearer token whose audience `accept` approves.
    pub(crate) fn verify_for(
        &self,
        token: &str,
        accept: impl Fn(&str) -> bool,
        now: i64,
    ) -> Result<AccessClaims, TokenProblem> {
        let token = token.trim();
        if token.is_empty() {
            return Err(TokenProblem::Empty);
        }
        if token.split('.').count() != 3 {
            return Err(TokenProblem::Malformed);
        }
        let mut v = Validation::new(Algorithm::RS256);
        v.validate_exp = false;
        v.validate_nbf = false;
        v.validate_aud = false;
        v.required_spec_claims.clear();
        let data =
            jsonwebtoken::decode::<Value>(token, &self.dec, &v).map_err(|e| match e.kind() {
                ErrorKind::InvalidToken
                | ErrorKind::Base64(_)
                | ErrorKind::Json(_)
                | ErrorKind::Utf8(_) => TokenProblem::Malformed,
                _ => TokenProblem::Invalid,
            })?;
        let c = data.claims;
        let aud = c["aud"].as_str().unwrap_or_default();
        if !accept(aud) {
            return Err(TokenProblem::Audience);
        }
        let exp = c["exp"].as_i64().unwrap_or(0);
        let nbf = c["nbf"].as_i64().unwrap_or(0);
        if now >= exp || now < nbf {
            return Err(TokenProblem::Expired);
        }
        let roles = string_array(&c["roles"]);
        let scp = c["scp"]
            .as_str()
            .unwrap_or_default()
            .split_whitespace()
            .map(String::from)
            .collect();
        let wids = string_array(&c["wids"])
            .iter()
            .map(|w| w.to_ascii_lowercase())
            .collect();
        Ok(AccessClaims {
            appid: c["appid"].as_str().unwrap_or_default().to_string(),
            roles,
            scp,
            wids,
            aud: aud.to_string(),
            upn: c["upn"].as_str().unwrap_or_default().to_string(),
            oid: c["oid"].as_str().unwrap_or_default().to_string(),
        })
    }
}

/// The strings of a JSON array claim (`roles`, `wids`); empty when absent.
fn string_array(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}
