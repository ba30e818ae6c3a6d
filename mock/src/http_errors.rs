//! What the HTTP layer refuses, answered as the service answers every
//! error: HTTP 200 and the JSON envelope with a code.
//!
//! hyper answers a request head it cannot parse (a URI over 65,534 bytes,
//! headers too large or too many, a malformed request line or header) with
//! a bare `414`, `431` or `400` and an empty body, and offers no hook for
//! it. [`Envelope`] sits between hyper and the connection (above TLS),
//! follows the framing of what hyper writes (a head, then `content-length`
//! body bytes) and replaces those heads by the envelope. They are known by
//! what they lack: every answer of the mock's carries a `content-type`
//! (`serve.rs::raw`), hyper's own have none and no body. Plain HTTP sent
//! to the HTTPS server is answered by [`refuse_plaintext`].

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::Shared;

/// The longest head followed; past it (the mock writes none so long)
/// everything passes as written.
const MAX_HEAD: usize = 64 * 1024;

/// What a head hyper wrote itself stands for, as the service says it.
fn refusal(status: u16) -> Option<(&'static str, &'static str)> {
    Some(match status {
        414 => (
            "RequestSizeLimitExceeded",
            "The request URI is longer than 65,534 bytes.",
        ),
        431 => (
            "RequestSizeLimitExceeded",
            "The request headers are too many (over 100) or too large (over about 400 KB together).",
        ),
        400 => (
            "UnsupportedProtocol",
            "The request is not a well-formed HTTP/1.1 request: its request line or a header could not be parsed.",
        ),
        _ => return None,
    })
}

/// An answer's bytes on the wire: HTTP 200, the error envelope, the mock's
/// `Date`, and `connection: close` (the connection ends after it).
fn envelope_bytes(shared: &Shared, code: &str, message: &str) -> Vec<u8> {
    let body = json!({"Response": {
        "Error": {"Code": code, "Message": message},
        "RequestId": shared.request_id(),
    }})
    .to_string();
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         date: {}\r\nconnection: close\r\n\r\n{body}",
        body.len(),
        crate::http_date(shared.now()),
    )
    .into_bytes()
}

/// The IO hyper serves, with hyper's own refusals put in the envelope.
pub(super) struct Envelope<I> {
    inner: I,
    shared: Arc<Shared>,
    framing: Framing,
    /// A head being gathered, up to its blank line.
    head: Vec<u8>,
    /// Bytes taken from hyper and not yet written, from `sent` on.
    owed: Vec<u8>,
    sent: usize,
}

enum Framing {
    /// The next bytes start or continue a head (kept in `head`).
    Head,
    /// This many body bytes pass before the next head.
    Body(u64),
    /// A head that could not be followed: the rest passes as written.
    Lost,
}

/// The framing after `done` of `left` body bytes.
fn body_left(left: u64, done: usize) -> Framing {
    match left.saturating_sub(done as u64) {
        0 => Framing::Head,
        left => Framing::Body(left),
    }
}

/// What the wrapper reads of a head.
struct Head {
    status: u16,
    content_type: bool,
    /// Body bytes that follow; `None` if it cannot tell.
    body: Option<u64>,
}

impl Head {
    fn parse(bytes: &[u8]) -> Option<Head> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut lines = text.split("\r\n");
        let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let mut content_type = false;
        // hyper writes no body for these whatever their headers say.
        let mut body = Some(0);
        let bodiless = (100..200).contains(&status) || status == 204 || status == 304;
        for (name, value) in lines.filter_map(|l| l.split_once(':')) {
            let name = name.trim();
            if name.eq_ignore_ascii_case("content-type") {
                content_type = true;
            } else if name.eq_ignore_ascii_case("content-length") && !bodiless {
                body = value.trim().parse().ok();
            } else if name.eq_ignore_ascii_case("transfer-encoding") && !bodiless {
                body = None;
            }
        }
        Some(Head {
            status,
            content_type,
            body,
        })
    }
}

impl<I> Envelope<I> {
    pub(super) fn new(inner: I, shared: Arc<Shared>) -> Self {
        Envelope {
            inner,
            shared,
            framing: Framing::Head,
            head: Vec::new(),
            owed: Vec::new(),
            sent: 0,
        }
    }

    /// Takes the bytes of `buf` that belong to the head being gathered;
    /// once it is whole, owes it (or the envelope in its place).
    fn gather(&mut self, buf: &[u8]) -> usize {
        let before = self.head.len();
        let taken = buf.len().min(MAX_HEAD - before);
        self.head.extend_from_slice(&buf[..taken]);
        let from = before.saturating_sub(3);
        let Some(end) = self.head[from..]
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|i| from + i + 4)
        else {
            if self.head.len() == MAX_HEAD {
                self.framing = Framing::Lost;
                self.owed = std::mem::take(&mut self.head);
            }
            return taken;
        };
        self.head.truncate(end);
        let head = std::mem::take(&mut self.head);
        let parsed = Head::parse(&head);
        // One of hyper's: no content-type, no body, a status it refuses with.
        let refused = parsed
            .as_ref()
            .filter(|h| !h.content_type && h.body == Some(0))
            .and_then(|h| refusal(h.status));
        if let Some((code, message)) = refused {
            self.owed = envelope_bytes(&self.shared, code, message);
        } else {
            self.framing = parsed
                .and_then(|h| h.body)
                .map_or(Framing::Lost, |n| body_left(n, 0));
            self.owed = head;
        }
        end - before
    }
}

impl<I: AsyncWrite + Unpin> Envelope<I> {
    /// Writes what is owed.
    fn poll_owed(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.owed.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.owed[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        self.owed.clear();
        self.sent = 0;
        Poll::Ready(Ok(()))
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for Envelope<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Envelope<I> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_owed(cx))?;
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        match this.framing {
            Framing::Lost => Pin::new(&mut this.inner).poll_write(cx, buf),
            Framing::Body(left) => {
                let n = usize::try_from(left).map_or(buf.len(), |l| l.min(buf.len()));
                let written = ready!(Pin::new(&mut this.inner).poll_write(cx, &buf[..n]))?;
                this.framing = body_left(left, written);
                Poll::Ready(Ok(written))
            }
            // Taken now, written by the next call or a flush. The body
            // hyper wrote with its head goes out in the same write, as it
            // would without this wrapper (two small writes can wait on a
            // delayed ACK).
            Framing::Head => {
                let mut taken = this.gather(buf);
                if let Framing::Body(left) = this.framing {
                    let rest = &buf[taken..];
                    let n = usize::try_from(left).map_or(rest.len(), |l| l.min(rest.len()));
                    this.owed.extend_from_slice(&rest[..n]);
                    taken += n;
                    this.framing = body_left(left, n);
                }
                Poll::Ready(Ok(taken))
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_owed(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_owed(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

/// The answer to a `HEAD` request, without its body: hyper writes a
/// `HEAD` answer's length but not its body, which [`Envelope`] could not
/// tell from an answer whose body follows.
pub(super) fn for_head(answer: Response<Full<Bytes>>) -> Response<Full<Bytes>> {
    answer.map(|_| Full::new(Bytes::new()))
}

/// Whether a connection to the HTTPS server starts with what looks like
/// an HTTP request line (a method's first letter) instead of a TLS record
/// (0x16); waits for its first byte until `deadline`.
#[cfg(feature = "tls")]
pub(super) async fn is_plaintext_http(
    stream: &tokio::net::TcpStream,
    deadline: tokio::time::Instant,
) -> bool {
    let mut first = [0u8; 1];
    let peeked = tokio::time::timeout_at(deadline, stream.peek(&mut first)).await;
    matches!(peeked, Ok(Ok(1))) && first[0].is_ascii_uppercase()
}

/// Answers plain HTTP sent to the HTTPS server, then closes, by `deadline`.
#[cfg(feature = "tls")]
pub(super) async fn refuse_plaintext<W: AsyncWrite + Unpin>(
    mut io: W,
    shared: &Shared,
    deadline: tokio::time::Instant,
) {
    use tokio::io::AsyncWriteExt as _;
    let answer = envelope_bytes(
        shared,
        "UnsupportedProtocol",
        &format!(
            "This server speaks HTTPS: use https://127.0.0.1:{}/.",
            shared.port
        ),
    );
    let _ = tokio::time::timeout_at(deadline, async {
        io.write_all(&answer).await?;
        io.shutdown().await
    })
    .await;
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is a failed test

    use tokio::io::AsyncWriteExt as _;

    use super::*;
    use crate::MockServer;

    /// A socket that takes at most `step` bytes a write and is not ready
    /// every other call.
    struct Trickle {
        out: Vec<u8>,
        step: usize,
        ready: bool,
    }

    impl AsyncWrite for Trickle {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            self.ready = !self.ready;
            if !self.ready {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            let n = buf.len().min(self.step);
            self.out.extend_from_slice(&buf[..n]);
            Poll::Ready(Ok(n))
        }

        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn hyper_refusals_are_replaced_through_partial_writes() {
        let mock = MockServer::start().await.unwrap();
        // An answer whose body looks like one of hyper's heads, a
        // `100 Continue`, a bodiless answer (to HEAD), then hyper's 400.
        let kept = [
            &b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 28\r\n\r\n"[..],
            b"HTTP/1.1 400 Bad Request\r\n\r\n",
            b"HTTP/1.1 100 Continue\r\n\r\n",
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n",
        ]
        .concat();
        let refusal = b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";
        let written = [&kept[..], refusal].concat();
        for (step, piece) in [(1, 1), (3, 5), (7, 64), (4096, 4096)] {
            let trickle = Trickle {
                out: Vec::new(),
                step,
                ready: false,
            };
            let mut io = Envelope::new(trickle, mock.shared.clone());
            for chunk in written.chunks(piece) {
                io.write_all(chunk).await.unwrap();
            }
            // What is still owed goes out on shutdown too, without a flush.
            io.shutdown().await.unwrap();
            let out = io.inner.out;
            assert!(out.starts_with(&kept), "{}", String::from_utf8_lossy(&out));
            let answer = String::from_utf8_lossy(&out[kept.len()..]).into_owned();
            let (head, body) = answer.split_once("\r\n\r\n").unwrap();
            assert!(
                head.starts_with("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"),
                "{head}"
            );
            assert!(
                head.contains(&format!("content-length: {}\r\n", body.len())),
                "{head}"
            );
            let json: serde_json::Value = serde_json::from_str(body).unwrap();
            assert_eq!(json["Response"]["Error"]["Code"], "UnsupportedProtocol");
        }
    }
}
