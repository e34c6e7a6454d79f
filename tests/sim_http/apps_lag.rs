//! Entra's replication lag on the sim: new objects "do not exist" for a while, a new secret is
//! refused for a while; a client that retries with a bound rides it out.

use std::future::Future;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::apps::{ADMIN_SCP, GLOBAL_ADMIN, GRAPH, MAIL_SEND, admin_token, post};
use crate::support::*;

/// Retries `f` every 50 ms until it returns `want` (at most 5 s); returns the last answer.
async fn until<F, Fut>(want: u16, mut f: F) -> (u16, Value)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = (u16, Value)>,
{
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let r = f().await;
        if r.0 == want || Instant::now() > deadline {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn new_objects_and_secrets_replicate_after_the_configured_lag() {
    let extra = "[app_management]\nreplication_lag_s = 0.5\nsecret_lag_s = 0.5\n";
    let s = sim("", extra).await;
    let t = admin_token(&s, ADMIN_SCP, &[GLOBAL_ADMIN]).await;
    let (st, app) = post(&s, &t, "/applications", json!({"displayName": "Lag"})).await;
    assert_eq!(st, 201);
    let (id, app_id) = (
        app["id"].as_str().unwrap().to_string(),
        app["appId"].as_str().unwrap().to_string(),
    );
    let started = Instant::now();

    let (st, e) = s.get(&t, &format!("/applications/{id}")).await;
    assert_eq!(st, 404);
    assert_eq!(
        e["error"]["message"],
        format!(
            "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
        )
    );
    let add = format!("/applications/{id}/addPassword");
    assert_eq!(post(&s, &t, &add, json!({})).await.0, 404);
    let sp_body = json!({"appId": app_id});
    let (st, e) = post(&s, &t, "/servicePrincipals", sp_body.clone()).await;
    assert_eq!(st, 400);
    assert_eq!(
        e["error"]["details"][0]["code"],
        "NoBackingApplicationObject"
    );
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "checked inside the lag"
    );

    let (st, pw) = until(200, || post(&s, &t, &add, json!({}))).await;
    assert_eq!(st, 200, "{pw}");
    let secret = pw["secretText"].as_str().unwrap().to_string();
    let (st, sp) = post(&s, &t, "/servicePrincipals", sp_body).await;
    assert_eq!(st, 201, "{sp}");
    let (_, graph) = s
        .get(&t, &format!("/servicePrincipals(appId='{GRAPH}')"))
        .await;
    let path = format!(
        "/servicePrincipals/{}/appRoleAssignedTo",
        graph["id"].as_str().unwrap()
    );
    let body = json!({"principalId": sp["id"], "resourceId": graph["id"], "appRoleId": MAIL_SEND});
    let (st, e) = post(&s, &t, &path, body.clone()).await;
    assert_eq!(st, 400, "the new service principal has not replicated");
    assert_eq!(e["error"]["message"], "Not a valid reference update.");
    let (st, b) = s.token_secret(&app_id, &secret).await;
    assert_eq!(st, 401, "the new secret has not replicated");
    assert_aad(&b, "invalid_client", 7000215);

    let (st, _) = until(201, || post(&s, &t, &path, body.clone())).await;
    assert_eq!(st, 201);
    let (st, token) = until(200, || s.token_secret(&app_id, &secret)).await;
    assert_eq!(st, 200, "{token}");
    assert_eq!(
        claims(token["access_token"].as_str().unwrap())["roles"],
        json!(["Mail.Send"])
    );
}
