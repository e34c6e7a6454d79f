//! Request bodies: Graph takes up to 4 MB and answers a larger one with its JSON 413, on Graph
//! routes and on an upload URL alike (not the web framework's 2 MB plain-text refusal).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::*;

fn file(bytes: usize) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.fileAttachment",
        "name": "f.bin",
        "contentBytes": STANDARD.encode(vec![7u8; bytes]),
    })
}

#[tokio::test]
async fn bodies_up_to_4_mb_are_served_and_larger_ones_get_graphs_413() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let attachments = format!("{}/attachments", s.draft_path(&t, "a@contoso.com").await);
    // 2.9 MB of file is a 3.9 MB body: over 2 MiB, under Graph's 4 MB.
    let r = s
        .call(Method::POST, &t, &attachments, Some(file(2_900_000)))
        .await;
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap());
    let too_big = [
        (attachments.clone(), file(3_200_000)),
        (
            "/users/a@contoso.com/sendMail".to_string(),
            json!({"message": {"subject": "y".repeat(5_000_000)}}),
        ),
    ];
    for (path, body) in too_big {
        let r = s.call(Method::POST, &t, &path, Some(body)).await;
        assert_eq!(r.status().as_u16(), 413, "{path}");
        let b: Value = r.json().await.unwrap();
        assert!(graph_error(&b, "RequestEntityTooLarge"), "{b}");
    }
    assert_eq!(s.stats().await.mails_sent, 0);
}

#[tokio::test]
async fn an_upload_put_over_4_mb_gets_a_json_413() {
    let s = sim("", "").await;
    let t = s.token(FULL, "good~secret").await;
    let session = format!(
        "{}/attachments/createUploadSession",
        s.draft_path(&t, "a@contoso.com").await
    );
    let size = 6_000_000usize;
    let item = json!({"AttachmentItem": {"attachmentType": "file", "name": "b.bin", "size": size}});
    let b: Value = s
        .call(Method::POST, &t, &session, Some(item))
        .await
        .json()
        .await
        .unwrap();
    let r =
        s.c.put(b["uploadUrl"].as_str().unwrap())
            .header("Content-Range", format!("bytes 0-4999999/{size}"))
            .header("Content-Type", "application/octet-stream")
            .body(vec![1u8; 5_000_000])
            .send()
            .await
            .unwrap();
    assert_eq!(r.status().as_u16(), 413);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["error"]["code"], "RequestEntityTooLarge", "{b}");
}
