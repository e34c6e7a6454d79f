//! PKCE (RFC 7636, S256) and the `state` value: random, from the operating system's generator.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::Digest;

use crate::secrets::Secret;

/// `n` random bytes (UUID v4 draws them from the OS generator; 122 random bits per UUID).
fn random(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 16);
    while out.len() < n {
        out.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    }
    out.truncate(n);
    out
}

/// A code verifier (64 characters of base64url) and its S256 challenge.
pub struct Pkce {
    pub verifier: Secret,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Pkce {
        let verifier = URL_SAFE_NO_PAD.encode(random(48));
        let challenge = challenge_of(&verifier);
        Pkce {
            verifier: Secret::new(verifier),
            challenge,
        }
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Pkce::new()
    }
}

/// `BASE64URL(SHA256(verifier))`.
pub fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

/// A fresh `state` (24 characters).
pub fn new_state() -> String {
    URL_SAFE_NO_PAD.encode(random(18))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_example_and_fresh_values() {
        assert_eq!(
            challenge_of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let a = Pkce::new();
        assert_eq!(a.verifier.expose().len(), 64);
        assert_ne!(a.verifier.expose(), Pkce::new().verifier.expose());
        assert_ne!(new_state(), new_state());
    }
}
