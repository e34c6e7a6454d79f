//! Token endpoint, certificate credentials (client assertion RS256/x5t and PS256/x5t#S256).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use sha1::Digest;

use crate::support::*;

const CERT_APP: &str = "44444444-0000-4000-8000-000000000004";

pub(crate) struct Cred {
    pub(crate) key_pem: String,
    pub(crate) der: Vec<u8>,
}

pub(crate) fn new_cred() -> (Cred, String) {
    let key = rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
        .unwrap();
    let cert = rcgen::CertificateParams::new(Vec::<String>::new())
        .unwrap()
        .self_signed(&key)
        .unwrap();
    (
        Cred {
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
        },
        cert.pem(),
    )
}

async fn cert_sim() -> (Sim, Cred) {
    let dir = tempfile::tempdir().unwrap();
    let (cred, pem) = new_cred();
    std::fs::write(dir.path().join("elegere.pem"), pem).unwrap();
    let app = format!(
        "[[app]]\nclient_id = \"{CERT_APP}\"\nname = \"eLegere\"\nroles = [\"Mail.Send\"]\ncertificates = [\"elegere.pem\"]\n"
    );
    (sim_in(dir, "", &app).await, cred)
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

pub(crate) fn assertion(cred: &Cred, thumb_of: &Cred, alg: Algorithm, claims: &Value) -> String {
    let mut h = Header::new(alg);
    h.typ = Some("JWT".into());
    if alg == Algorithm::RS256 {
        h.x5t = Some(URL_SAFE_NO_PAD.encode(sha1::Sha1::digest(&thumb_of.der)));
    } else {
        h.x5t_s256 = Some(URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(&thumb_of.der)));
    }
    let key = EncodingKey::from_rsa_pem(cred.key_pem.as_bytes()).unwrap();
    jsonwebtoken::encode(&h, claims, &key).unwrap()
}

fn good_claims(s: &Sim, tenant: &str) -> Value {
    json!({
        "aud": format!("{}/{tenant}/oauth2/v2.0/token", s.h.authority),
        "iss": CERT_APP, "sub": CERT_APP, "jti": uuid::Uuid::new_v4().to_string(),
        "nbf": now(), "iat": now(), "exp": now() + 600,
    })
}

async fn send(s: &Sim, jwt: &str) -> (u16, Value) {
    let scope = s.scope();
    let form = [
        ("client_id", CERT_APP),
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ),
        ("client_assertion", jwt),
        ("scope", scope.as_str()),
        ("grant_type", "client_credentials"),
    ];
    s.token_raw(TENANT, &form).await
}

#[tokio::test]
async fn rs256_x5t_and_ps256_x5t_s256_both_work() {
    let (s, cred) = cert_sim().await;
    for (alg, tenant) in [
        (Algorithm::RS256, TENANT),
        (Algorithm::PS256, "contoso.com"),
    ] {
        let jwt = assertion(&cred, &cred, alg, &good_claims(&s, tenant));
        let (st, b) = send(&s, &jwt).await;
        assert_eq!(st, 200, "{alg:?}: {b}");
        let c = claims(b["access_token"].as_str().unwrap());
        assert_eq!(c["appidacr"], "2");
        assert_eq!(c["roles"], json!(["Mail.Send"]));
    }
}

/// MSAL Python and azure-identity send the thumbprints base64url *with* `=` padding.
#[tokio::test]
async fn padded_thumbprint_headers_are_accepted() {
    use base64::engine::general_purpose::URL_SAFE;
    let (s, cred) = cert_sim().await;
    let key = EncodingKey::from_rsa_pem(cred.key_pem.as_bytes()).unwrap();
    for alg in [Algorithm::RS256, Algorithm::PS256] {
        let mut h = Header::new(alg);
        h.typ = Some("JWT".into());
        if alg == Algorithm::RS256 {
            h.x5t = Some(URL_SAFE.encode(sha1::Sha1::digest(&cred.der)));
            assert!(h.x5t.as_deref().unwrap().ends_with('='));
        } else {
            h.x5t_s256 = Some(URL_SAFE.encode(sha2::Sha256::digest(&cred.der)));
            assert!(h.x5t_s256.as_deref().unwrap().ends_with('='));
        }
        let jwt = jsonwebtoken::encode(&h, &good_claims(&s, TENANT), &key).unwrap();
        let (st, b) = send(&s, &jwt).await;
        assert_eq!(st, 200, "{alg:?}: {b}");
    }
}

/// MSAL Python writes `exp`/`iat` as `time.time() + 600`: NumericDate with a fraction.
#[tokio::test]
async fn fractional_numeric_dates_are_accepted() {
    let (s, cred) = cert_sim().await;
    let mut c = good_claims(&s, TENANT);
    let now = now() as f64 + 0.25;
    c["iat"] = json!(now);
    c["nbf"] = json!(now);
    c["exp"] = json!(now + 600.5);
    let (st, b) = send(&s, &assertion(&cred, &cred, Algorithm::RS256, &c)).await;
    assert_eq!(st, 200, "{b}");
}

#[tokio::test]
async fn unregistered_certificate_is_700027() {
    let (s, _) = cert_sim().await;
    let (other, _) = new_cred();
    let jwt = assertion(&other, &other, Algorithm::RS256, &good_claims(&s, TENANT));
    let (st, b) = send(&s, &jwt).await;
    assert_eq!(st, 401);
    let d = assert_aad(&b, "invalid_client", 700027);
    assert!(d.contains("The key was not found."), "{d}");
    let thumb: String = sha1::Sha1::digest(&other.der)
        .iter()
        .map(|x| format!("{x:02X}"))
        .collect();
    assert!(d.contains(&thumb), "{d}");
}

#[tokio::test]
async fn registered_thumbprint_wrong_key_is_invalid_signature() {
    let (s, cred) = cert_sim().await;
    let (other, _) = new_cred();
    let jwt = assertion(&other, &cred, Algorithm::PS256, &good_claims(&s, TENANT));
    let (st, b) = send(&s, &jwt).await;
    assert_eq!(st, 401);
    let d = assert_aad(&b, "invalid_client", 700027);
    assert!(d.contains("invalid signature"), "{d}");
}

#[tokio::test]
async fn assertion_time_range_audience_and_issuer() {
    let (s, cred) = cert_sim().await;
    let mut c = good_claims(&s, TENANT);
    c["nbf"] = json!(now() - 1200);
    c["exp"] = json!(now() - 301 - 5);
    let (st, b) = send(&s, &assertion(&cred, &cred, Algorithm::RS256, &c)).await;
    assert_eq!(st, 401);
    let d = assert_aad(&b, "invalid_client", 700024);
    assert!(d.contains("Client assertion is not within its valid time range. Current time: "));
    // within the five-minute skew: accepted
    let mut c = good_claims(&s, TENANT);
    c["exp"] = json!(now() - 200);
    let (st, _) = send(&s, &assertion(&cred, &cred, Algorithm::RS256, &c)).await;
    assert_eq!(st, 200);
    let mut c = good_claims(&s, TENANT);
    c["nbf"] = json!(now() + 900);
    let (st, b) = send(&s, &assertion(&cred, &cred, Algorithm::RS256, &c)).await;
    assert_eq!(st, 401);
    assert_aad(&b, "invalid_client", 700024);
    let mut c = good_claims(&s, TENANT);
    c["aud"] = json!(format!(
        "https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token"
    ));
    let (st, b) = send(&s, &assertion(&cred, &cred, Algorithm::RS256, &c)).await;
    assert_eq!(st, 401);
    assert_aad(&b, "invalid_client", 50012);
    let mut c = good_claims(&s, TENANT);
    c["iss"] = json!(FULL);
    let (st, b) = send(&s, &assertion(&cred, &cred, Algorithm::RS256, &c)).await;
    assert_eq!(st, 401);
    assert_aad(&b, "invalid_client", 700021);
    let (st, b) = send(&s, "not.a.jwt").await;
    assert_eq!(st, 400);
    assert_aad(&b, "invalid_request", 50027);
}
