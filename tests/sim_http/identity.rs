//! Ready line, OIDC discovery, instance discovery, JWKS, stats, and the `mailscope sim` binary.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::*;

#[tokio::test]
async fn ready_line_names_authority_graph_ca_and_tenant() {
    let s = sim("", "").await;
    let text = s.h.ready_line();
    assert!(!text.contains('\n'));
    let order: Vec<usize> = [
        "\"authority\":",
        "\"graph\":",
        "\"ca_file\":",
        "\"tenant_id\":",
    ]
    .iter()
    .map(|k| text.find(k).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    let line: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(line["authority"], s.h.authority.as_str());
    assert_eq!(line["graph"], s.h.graph.as_str());
    assert_eq!(line["tenant_id"], TENANT);
    let ca = std::fs::read_to_string(line["ca_file"].as_str().unwrap()).unwrap();
    assert_eq!(ca, s.h.ca_pem);
    assert!(!ca.contains("PRIVATE KEY"));
    assert!(s.h.authority.starts_with("https://127.0.0.1:"));
    // a client without the CA refuses the server
    let plain = reqwest::Client::builder()
        .tls_certs_only([])
        .build()
        .unwrap();
    assert!(
        plain
            .get(format!("{}/_sim/stats", s.h.authority))
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn openid_configuration_by_guid_and_domain() {
    let s = sim("", "").await;
    for tenant in [TENANT, "contoso.com", "CONTOSO.onmicrosoft.com"] {
        let url = format!(
            "{}/{tenant}/v2.0/.well-known/openid-configuration",
            s.h.authority
        );
        let r = s.c.get(url).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["issuer"], format!("{}/{TENANT}/v2.0", s.h.authority));
        assert_eq!(
            v["token_endpoint"],
            format!("{}/{TENANT}/oauth2/v2.0/token", s.h.authority)
        );
        let jwks = s.url_json(v["jwks_uri"].as_str().unwrap()).await;
        assert_eq!(jwks["keys"][0]["kty"], "RSA");
    }
}

#[tokio::test]
async fn openid_configuration_unknown_tenant_is_invalid_tenant() {
    let s = sim("", "").await;
    let url = format!(
        "{}/fabrikam.com/v2.0/.well-known/openid-configuration",
        s.h.authority
    );
    let r = s.c.get(url).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let d = assert_aad(&r.json().await.unwrap(), "invalid_tenant", 90002);
    assert!(d.contains("Tenant 'fabrikam.com' not found."));
}

#[tokio::test]
async fn instance_discovery_points_at_the_sim() {
    let s = sim("", "").await;
    let a = &s.h.authority;
    let url = format!(
        "{a}/common/discovery/instance?api-version=1.1&authorization_endpoint={a}/{TENANT}/oauth2/v2.0/authorize"
    );
    let v: Value = s.c.get(url).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        v["tenant_discovery_endpoint"],
        format!("{a}/{TENANT}/v2.0/.well-known/openid-configuration")
    );
    let host = a.trim_start_matches("https://");
    assert_eq!(v["metadata"][0]["aliases"][0], host);
}

#[tokio::test]
async fn access_token_verifies_with_the_published_jwks() {
    let s = sim("", "").await;
    let token = s.token(FULL, "good~secret").await;
    let jwks = s
        .url_json(&format!("{}/{TENANT}/discovery/v2.0/keys", s.h.authority))
        .await;
    let header = jsonwebtoken::decode_header(&token).unwrap();
    let key = &jwks["keys"][0];
    assert_eq!(header.kid.as_deref(), key["kid"].as_str());
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(key.clone()).unwrap();
    let dk = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    v.set_audience(&[s.h.graph.as_str()]);
    v.set_issuer(&[format!("https://sts.windows.net/{TENANT}/")]);
    jsonwebtoken::decode::<Value>(&token, &dk, &v).unwrap();
}

#[test]
fn binary_prints_ready_line_and_exits_zero_on_sigterm_and_sigint() {
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenarios/demo.toml");
    let rt = tokio::runtime::Runtime::new().unwrap();
    for sig in ["-TERM", "-INT"] {
        let t0 = Instant::now();
        let (mut child, v) = spawn_binary(scenario);
        let ready = t0.elapsed();
        assert_eq!(v["tenant_id"], "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f");
        let ca_file = v["ca_file"].as_str().unwrap();
        let c = client(&std::fs::read_to_string(ca_file).unwrap());
        let url = format!("{}/_sim/stats", v["authority"].as_str().unwrap());
        let status = rt.block_on(async { c.get(url).send().await.unwrap().status() });
        assert_eq!(status, 200);
        signal(&child, sig);
        let t1 = Instant::now();
        let exit = loop {
            if let Some(e) = child.try_wait().unwrap() {
                break e;
            }
            assert!(t1.elapsed() < Duration::from_secs(5), "no exit on {sig}");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(exit.success(), "{sig}: {exit:?}");
        assert!(!std::path::Path::new(ca_file).exists());
        assert!(ready < Duration::from_secs(1), "ready after {ready:?}");
    }
}

#[test]
fn a_killed_sims_folder_is_removed_by_the_next_sim() {
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenarios/demo.toml");
    let (mut killed, v) = spawn_binary(scenario);
    let dead = std::path::Path::new(v["ca_file"].as_str().unwrap())
        .parent()
        .unwrap()
        .to_path_buf();
    signal(&killed, "-KILL");
    killed.wait().unwrap();
    assert!(dead.exists(), "SIGKILL cannot be cleaned up after");
    let (mut next, v) = spawn_binary(scenario);
    assert!(!dead.exists(), "the next sim removes the dead one's folder");
    assert!(std::path::Path::new(v["ca_file"].as_str().unwrap()).exists());
    signal(&next, "-TERM");
    assert!(next.wait().unwrap().success());
}
