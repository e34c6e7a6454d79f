//! JSON batching (`POST /$batch`): up to 20 requests in one round trip.

use serde::Deserialize;
use serde_json::{Value, json};

use super::client::RawResponse;

/// Graph's limit of requests per batch.
pub const MAX_BATCH: usize = 20;

/// One request inside a batch; `url` is relative to the version (`/users/…`).
#[derive(Debug, Clone, PartialEq)]
pub struct BatchRequest {
    pub method: &'static str,
    pub url: String,
    pub body: Option<Value>,
}

/// The `$batch` request body; ids are the positions ("0", "1", …).
pub fn encode(requests: &[BatchRequest]) -> Value {
    let items: Vec<Value> = requests
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut item = json!({"id": i.to_string(), "method": r.method, "url": r.url});
            if let Some(b) = &r.body {
                item["body"] = b.clone();
                item["headers"] = json!({"Content-Type": "application/json"});
            }
            item
        })
        .collect();
    json!({ "requests": items })
}

#[derive(Deserialize)]
struct Envelope {
    responses: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    id: String,
    status: u16,
    #[serde(default)]
    headers: serde_json::Map<String, Value>,
    #[serde(default)]
    body: Option<Value>,
}

/// Splits a `$batch` response into one response per request, in request order. `None` when
/// the body is not a batch response or an id is missing.
pub fn decode(body: &[u8], count: usize) -> Option<Vec<RawResponse>> {
    let env: Envelope = serde_json::from_slice(body).ok()?;
    let mut out: Vec<Option<RawResponse>> = vec![None; count];
    for item in env.responses {
        let i: usize = item.id.parse().ok()?;
        let slot = out.get_mut(i)?;
        let headers = item
            .headers
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (k.to_ascii_lowercase(), v)
            })
            .collect();
        let body = match item.body {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => s.into_bytes(),
            Some(v) => v.to_string().into_bytes(),
        };
        *slot = Some(RawResponse {
            status: item.status,
            headers,
            body,
        });
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_ids_bodies_and_content_type() {
        let v = encode(&[
            BatchRequest {
                method: "GET",
                url: "/users/a@b.c/messages?$top=1&$select=id".into(),
                body: None,
            },
            BatchRequest {
                method: "POST",
                url: "/users/a@b.c/messages".into(),
                body: Some(json!({"subject": "s"})),
            },
        ]);
        assert_eq!(v["requests"][0]["id"], "0");
        assert!(v["requests"][0].get("body").is_none());
        assert_eq!(
            v["requests"][1]["headers"]["Content-Type"],
            "application/json"
        );
        assert_eq!(v["requests"][1]["body"]["subject"], "s");
    }

    #[test]
    fn decodes_out_of_order_with_headers() {
        let body = br#"{"responses":[
            {"id":"1","status":429,"headers":{"Retry-After":"1.5"},"body":{"error":{"code":"ApplicationThrottled","message":"m"}}},
            {"id":"0","status":201,"body":{"id":"AAMk"}}]}"#;
        let r = decode(body, 2).expect("decodes");
        assert_eq!(r[0].status, 201);
        assert_eq!(r[1].status, 429);
        assert_eq!(
            r[1].headers,
            vec![("retry-after".to_string(), "1.5".to_string())]
        );
        assert!(String::from_utf8_lossy(&r[1].body).contains("ApplicationThrottled"));
        assert!(decode(body, 1).is_none(), "id out of range");
        assert!(decode(br#"{"responses":[{"id":"0","status":200}]}"#, 2).is_none());
        assert!(decode(b"<html>", 1).is_none());
    }
}
