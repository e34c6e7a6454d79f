//! Buffers mailscope builds around a secret, wiped when the HTTP stack lets go of them: the
//! token request's form body and the `Authorization` header. (Copies the HTTP stack makes
//! itself, e.g. hyper's write buffer, are out of reach; see the README.)

use bytes::Bytes;
use reqwest::header::HeaderValue;
use zeroize::Zeroizing;

use super::Secret;

/// An `application/x-www-form-urlencoded` body whose bytes are zeroed when the last copy of
/// the body is dropped.
pub fn form_body(pairs: &[(&str, &Secret)]) -> reqwest::Body {
    let mut text = Zeroizing::new(String::new());
    {
        let mut ser = form_urlencoded::Serializer::new(&mut *text);
        for (k, v) in pairs {
            ser.append_pair(k, v.expose());
        }
        ser.finish();
    }
    let bytes = Zeroizing::new(std::mem::take(&mut *text).into_bytes());
    reqwest::Body::from(Bytes::from_owner(WipedBytes(bytes)))
}

/// `Bearer <token>` as a sensitive header whose bytes are zeroed when dropped.
pub fn bearer_header(token: &Secret) -> Option<HeaderValue> {
    let mut text = Zeroizing::new(String::with_capacity(7 + token.expose().len()));
    text.push_str("Bearer ");
    text.push_str(token.expose());
    let bytes = Zeroizing::new(std::mem::take(&mut *text).into_bytes());
    let mut value = HeaderValue::from_maybe_shared(Bytes::from_owner(WipedBytes(bytes))).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// Owner of wiped bytes for [`Bytes::from_owner`].
struct WipedBytes(Zeroizing<Vec<u8>>);

impl AsRef<[u8]> for WipedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_body_is_encoded_as_reqwest_would() {
        let secret = Secret::new("a b&c=d~é");
        let id = Secret::new("client");
        let body = form_body(&[("client_id", &id), ("client_secret", &secret)]);
        let bytes = body.as_bytes().expect("in-memory body");
        assert_eq!(
            bytes,
            b"client_id=client&client_secret=a+b%26c%3Dd%7E%C3%A9"
        );
    }

    #[test]
    fn the_bearer_header_is_sensitive() {
        let h = bearer_header(&Secret::new("eyJ.token")).expect("header");
        assert!(h.is_sensitive());
        assert_eq!(h.as_bytes(), b"Bearer eyJ.token");
        assert!(!format!("{h:?}").contains("eyJ"));
    }
}
