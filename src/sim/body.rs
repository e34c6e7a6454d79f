//! Request bodies read as Graph limits them: up to 4 MB is kept; a larger body is read to its
//! end (without keeping it, up to a hard cap) so the client gets Graph's 413, not a reset.

use axum::body::{Body, Bytes};
use futures_util::StreamExt;

/// Graph refuses request bodies over 4 MB (and an upload PUT takes at most 4 MB).
pub(crate) const MAX_REQUEST_BYTES: usize = 4 * 1024 * 1024;

/// Past this many bytes the body is no longer read: the refusal is sent at once and the
/// connection may be reset under the client.
const DRAIN_CAP: usize = 64 * 1024 * 1024;

/// Why a body could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyProblem {
    /// More than `limit` bytes.
    TooLarge,
    /// The client stopped sending (connection closed or broken).
    Broken,
}

/// Reads `body` whole if it has at most `limit` bytes.
pub(crate) async fn read(body: Body, limit: usize) -> Result<Bytes, BodyProblem> {
    let mut stream = body.into_data_stream();
    let mut kept: Vec<u8> = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| BodyProblem::Broken)?;
        total = total.saturating_add(chunk.len());
        if total > DRAIN_CAP {
            return Err(BodyProblem::TooLarge);
        }
        if total <= limit {
            kept.extend_from_slice(&chunk);
        } else if !kept.is_empty() {
            kept = Vec::new();
        }
    }
    if total > limit {
        Err(BodyProblem::TooLarge)
    } else {
        Ok(Bytes::from(kept))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunked(parts: Vec<Vec<u8>>) -> Body {
        let stream = futures_util::stream::iter(
            parts
                .into_iter()
                .map(|p| Ok::<_, std::io::Error>(Bytes::from(p))),
        );
        Body::from_stream(stream)
    }

    #[tokio::test]
    async fn keeps_a_body_up_to_the_limit() {
        let body = chunked(vec![vec![1; 3], vec![2; 2]]);
        assert_eq!(read(body, 5).await.as_deref(), Ok(&[1, 1, 1, 2, 2][..]));
    }

    #[tokio::test]
    async fn refuses_a_body_over_the_limit_after_reading_it() {
        let body = chunked(vec![vec![1; 3], vec![2; 3]]);
        assert_eq!(read(body, 5).await, Err(BodyProblem::TooLarge));
    }

    #[tokio::test]
    async fn a_broken_body_is_not_taken_for_a_short_one() {
        let parts = vec![
            Ok(Bytes::from_static(b"abc")),
            Err(std::io::Error::other("reset")),
        ];
        let body = Body::from_stream(futures_util::stream::iter(parts));
        assert_eq!(read(body, 100).await, Err(BodyProblem::Broken));
    }
}
