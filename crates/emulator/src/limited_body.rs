//! Reading a request body with a size limit and a deadline.

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use std::time::Duration;

use futures::StreamExt;

/// The largest body the emulator accepts: 1 MiB. Graph's own limit for JSON bodies is 4 MB, but this resource's
/// objects are a few hundred bytes, so anything near a mebibyte is a mistake or an attack.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How much of an oversized body is read and thrown away before answering 413. A client that sends its whole body
/// before reading the answer (most do, unless they send `Expect: 100-continue`) then sees the 413 rather than a
/// connection reset; past this the connection is closed instead.
pub(crate) const DRAIN_LIMIT_BYTES: usize = 16 * MAX_BODY_BYTES;

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Longer than the limit.
    TooLarge,
    /// The client broke off (or sent a malformed chunked body) before the end.
    Broken,
    /// The body had not arrived within the deadline.
    TimedOut,
}

/// Reads the whole body if it has at most `limit` bytes and arrives within `deadline`. A longer body is read on (and
/// discarded) up to `drain_limit` bytes so the client gets the answer, then reported as [`BodyError::TooLarge`].
pub(crate) async fn read_limited(
    body: Body,
    limit: usize,
    drain_limit: usize,
    deadline: Duration,
) -> Result<Bytes, BodyError> {
    tokio::time::timeout(deadline, read(body, limit, drain_limit))
        .await
        .unwrap_or(Err(BodyError::TimedOut))
}

async fn read(body: Body, limit: usize, drain_limit: usize) -> Result<Bytes, BodyError> {
    let mut stream = body.into_data_stream();
    let mut collected = BytesMut::new();
    let mut seen: usize = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| BodyError::Broken)?;
        seen = seen.saturating_add(chunk.len());
        if seen > drain_limit {
            return Err(BodyError::TooLarge);
        }
        if seen <= limit {
            collected.extend_from_slice(&chunk);
        } else {
            // Past the limit: keep reading so the client finishes sending, but keep nothing.
            collected = BytesMut::new();
        }
    }
    if seen > limit {
        Err(BodyError::TooLarge)
    } else {
        Ok(collected.freeze())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use axum::body::Body;
    use bytes::Bytes;

    use std::time::Duration;

    use futures::StreamExt;

    use super::{BodyError, read_limited};

    const DEADLINE: Duration = Duration::from_secs(30);

    fn chunked(chunks: Vec<&'static [u8]>) -> Body {
        let stream = futures::stream::iter(
            chunks
                .into_iter()
                .map(|c| Ok::<_, std::io::Error>(Bytes::from_static(c))),
        );
        Body::from_stream(stream)
    }

    #[tokio::test]
    async fn reads_a_body_up_to_the_limit() {
        let body = read_limited(chunked(vec![b"ab", b"cd"]), 4, 8, DEADLINE).await;
        assert_eq!(body.unwrap(), Bytes::from_static(b"abcd"));
    }

    #[tokio::test]
    async fn refuses_one_byte_over() {
        let body = read_limited(chunked(vec![b"ab", b"cde"]), 4, 8, DEADLINE).await;
        assert_eq!(body, Err(BodyError::TooLarge));
        let body = read_limited(chunked(vec![b"abcdefgh", b"ijk"]), 4, 8, DEADLINE).await;
        assert_eq!(body, Err(BodyError::TooLarge));
    }

    #[tokio::test]
    async fn a_broken_body_is_reported() {
        let stream = futures::stream::iter(vec![
            Ok(Bytes::from_static(b"ab")),
            Err(std::io::Error::other("reset")),
        ]);
        let body = read_limited(Body::from_stream(stream), 4, 8, DEADLINE).await;
        assert_eq!(body, Err(BodyError::Broken));
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_has_not_arrived_by_the_deadline_is_refused() {
        // One byte, then nothing: the stream never ends.
        let stream = futures::stream::iter(vec![Ok::<_, std::io::Error>(Bytes::from_static(b"{"))])
            .chain(futures::stream::pending());
        let body = read_limited(Body::from_stream(stream), 4, 8, DEADLINE).await;
        assert_eq!(body, Err(BodyError::TimedOut));
    }
}
