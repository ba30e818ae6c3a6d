//! HTTP/1.1 by hand on a socket, for tests of what the mock does with
//! bytes a client library would never send: requests written as bytes,
//! answers read and framed here.

use std::io::{Error, ErrorKind};
use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tencentcloud_runtime::signing;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// This machine's clock, in Unix seconds.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// A TC3 `POST` as bytes on the wire: `authorization` as given (or a valid
/// signature over `content-type;host` with the demo key if `None`),
/// `extra` headers, `body`.
pub fn tc3_post(
    addr: SocketAddr,
    action: &str,
    authorization: Option<String>,
    extra: &[(&str, &str)],
    body: &[u8],
) -> Vec<u8> {
    let creds = tencentcloud_mock::demo_credentials();
    let timestamp = now();
    let host = addr.to_string();
    let date = signing::utc_date(timestamp);
    let authorization = authorization.unwrap_or_else(|| {
        let canonical = signing::canonical_request_with(
            "POST",
            "",
            &[("content-type", "application/json"), ("host", &host)],
            body,
        );
        let signature = signing::signature_of_canonical(
            creds.secret_key(),
            timestamp,
            &date,
            "tcmpp",
            &canonical,
        );
        format!(
            "TC3-HMAC-SHA256 Credential={}/{date}/tcmpp/tc3_request, SignedHeaders=content-type;host, Signature={signature}",
            creds.secret_id()
        )
    });
    let mut head = format!(
        "POST / HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n\
         authorization: {authorization}\r\nx-tc-action: {action}\r\nx-tc-version: 2024-08-01\r\n\
         x-tc-timestamp: {timestamp}\r\nx-tc-region: ap-singapore\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// One answer as read off the wire.
#[derive(Debug)]
pub struct Reply {
    /// Its status.
    pub status: u16,
    /// Its head, status line and headers.
    pub head: String,
    /// Its body (`content-length` bytes; none without that header).
    pub body: Vec<u8>,
}

impl Reply {
    /// The value of header `name`, if given.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// The body as JSON (`null` if it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_default()
    }
}

fn invalid(what: String) -> Error {
    Error::new(ErrorKind::InvalidData, what)
}

/// Reads one answer: its head, then `content-length` body bytes unless it
/// answers a `HEAD` request. Bytes past the answer (which no request asked
/// for yet) are an error: they mean the answer was framed wrong.
pub async fn read_reply<S: AsyncRead + Unpin>(
    stream: &mut S,
    head_request: bool,
) -> std::io::Result<Reply> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let status = head
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid(format!("not an HTTP answer: {head:?}")))?;
    let mut reply = Reply {
        status,
        head,
        body: Vec::new(),
    };
    let length = match reply.header("content-length") {
        _ if head_request => 0,
        None => 0,
        Some(v) => v
            .parse()
            .map_err(|_| invalid(format!("bad content-length in {:?}", reply.head)))?,
    };
    while buf.len() < end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    if buf.len() > end + length {
        return Err(invalid(format!(
            "{} bytes after the answer {:?}: {:?}",
            buf.len() - end - length,
            reply.head,
            String::from_utf8_lossy(&buf[end + length..])
        )));
    }
    reply.body = buf.split_off(end);
    Ok(reply)
}

/// Sends `request` on `stream` and reads its answer (`head_request`: to a
/// `HEAD` request, without a body).
pub async fn send(
    stream: &mut TcpStream,
    request: &[u8],
    head_request: bool,
) -> std::io::Result<Reply> {
    stream.write_all(request).await?;
    read_reply(stream, head_request).await
}

/// Reads one answer: its status and JSON body (`null` if not JSON).
pub async fn read_answer(stream: &mut TcpStream) -> std::io::Result<(u16, Value)> {
    let reply = read_reply(stream, false).await?;
    Ok((reply.status, reply.json()))
}

/// Sends `request` on a new connection and reads the answer, reading while
/// still writing (the mock may answer before it has read it all); an error
/// writing is not one: the answer says what happened.
pub async fn exchange_reply(addr: SocketAddr, request: &[u8]) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(addr).await?;
    let (mut rd, mut wr) = stream.split();
    let write = async {
        let _ = wr.write_all(request).await;
    };
    let ((), reply) = tokio::join!(write, read_reply(&mut rd, false));
    reply
}

/// Sends `request` on a new connection and reads the answer: its status
/// and JSON body.
pub async fn exchange(addr: SocketAddr, request: &[u8]) -> std::io::Result<(u16, Value)> {
    let mut stream = TcpStream::connect(addr).await?;
    let reply = send(&mut stream, request, false).await?;
    Ok((reply.status, reply.json()))
}

/// The envelope's error code ("" if none).
pub fn code(answer: &Value) -> &str {
    answer["Response"]["Error"]["Code"].as_str().unwrap_or("")
}

/// The envelope's error message ("" if none).
pub fn message(answer: &Value) -> &str {
    answer["Response"]["Error"]["Message"]
        .as_str()
        .unwrap_or("")
}
