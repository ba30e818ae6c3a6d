//! TC3-HMAC-SHA256 request signing.
//!
//! Each stage is a public function so that other tools (and this crate's
//! mock server) can check a signature step by step. [`Signer`] caches the
//! derived key, which depends only on the secret key, the UTC date and the
//! service: within a day, signing does no key derivation.

use std::fmt;
use std::sync::Mutex;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// The algorithm name, first in the `Authorization` header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The headers covered by the signature, in canonical order.
pub const SIGNED_HEADERS: &str = "content-type;host";

/// What one request's signature covers.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// Service in the credential scope, e.g. `cvm`.
    pub service: &'a str,
    /// The `Host` header exactly as sent (`host` or `host:port`); signed
    /// lower-cased and trimmed.
    pub host: &'a str,
    /// The `Content-Type` header exactly as sent; signed lower-cased and
    /// trimmed.
    pub content_type: &'a str,
    /// The exact body bytes.
    pub payload: &'a [u8],
    /// Unix seconds, also sent as `X-TC-Timestamp`.
    pub timestamp: u64,
}

/// Lowercase hex of SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(Sha256::digest(bytes).into())
}

/// The canonical request (step 2 of the procedure) of a `POST` with a JSON
/// body, signing `content-type` and `host`.
pub fn canonical_request(req: &Request<'_>) -> String {
    canonical_request_with(
        "POST",
        "",
        &[("content-type", req.content_type), ("host", req.host)],
        req.payload,
    )
}

/// A header line of the canonical request: name and value lower-cased and
/// trimmed, as Tencent documents (`Content-Type: application/json;
/// charset=UTF-8` is signed as `content-type:application/json; charset=utf-8`).
pub fn canonical_header(name: &str, value: &str) -> String {
    format!(
        "{}:{}\n",
        name.trim().to_ascii_lowercase(),
        value.trim().to_ascii_lowercase()
    )
}

/// The canonical request in its general form: `method` (`POST` or `GET`),
/// the canonical query string (empty for `POST`, the query string as sent
/// for `GET`), the signed headers in the order given (Tencent's order is
/// sorted by name), and the payload (empty for `GET`).
pub fn canonical_request_with(
    method: &str,
    query: &str,
    headers: &[(&str, &str)],
    payload: &[u8],
) -> String {
    let lines: String = headers
        .iter()
        .map(|(name, value)| canonical_header(name, value))
        .collect();
    let names: Vec<String> = headers
        .iter()
        .map(|(name, _)| name.trim().to_ascii_lowercase())
        .collect();
    format!(
        "{method}\n/\n{query}\n{lines}\n{}\n{}",
        names.join(";"),
        sha256_hex(payload)
    )
}

/// The hex signature of a canonical request made by
/// [`canonical_request_with`], for `timestamp`, the date in the credential
/// scope and `service`.
pub fn signature_of_canonical(
    secret_key: &str,
    timestamp: u64,
    date: &str,
    service: &str,
    canonical_request: &str,
) -> String {
    let string_to_sign = format!(
        "{ALGORITHM}\n{timestamp}\n{date}/{service}/tc3_request\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    hmac_hex(
        &derive_key(secret_key, date, service),
        string_to_sign.as_bytes(),
    )
}

/// The string to sign (step 3).
pub fn string_to_sign(req: &Request<'_>) -> String {
    format!(
        "{ALGORITHM}\n{}\n{}\n{}",
        req.timestamp,
        credential_scope(req),
        sha256_hex(canonical_request(req).as_bytes())
    )
}

/// `<date>/<service>/tc3_request`.
pub fn credential_scope(req: &Request<'_>) -> String {
    format!("{}/{}/tc3_request", utc_date(req.timestamp), req.service)
}

/// The signing key (step 4): depends only on secret key, date and service.
pub fn derive_key(secret_key: &str, date: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac(&k_date, service.as_bytes());
    hmac(&k_service, b"tc3_request")
}

/// The hex signature (step 5), deriving the key.
pub fn signature(secret_key: &str, req: &Request<'_>) -> String {
    let key = derive_key(secret_key, &utc_date(req.timestamp), req.service);
    hex(hmac(&key, string_to_sign(req).as_bytes()))
}

/// The `Authorization` header value (step 6).
pub fn authorization(secret_id: &str, signature: &str, req: &Request<'_>) -> String {
    format!(
        "{ALGORITHM} Credential={secret_id}/{}, SignedHeaders={SIGNED_HEADERS}, Signature={signature}",
        credential_scope(req)
    )
}

/// Lowercase hex HMAC-SHA256 of `data` under `key`.
pub fn hmac_hex(key: &[u8], data: &[u8]) -> String {
    hex(hmac(key, data))
}

/// The UTC calendar date `YYYY-MM-DD` of a Unix timestamp.
pub fn utc_date(timestamp: u64) -> String {
    let (y, m, d) = crate::calendar::civil(timestamp);
    format!("{y:04}-{m:02}-{d:02}")
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    keyed(key).chain_update(data).finalize().into_bytes().into()
}

fn keyed(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length, so the error branch is never taken;
    // it exists only because `new_from_slice` serves fixed-size MACs too.
    HmacSha256::new_from_slice(key)
        .unwrap_or_else(|_| <HmacSha256 as Mac>::new(&Default::default()))
}

/// Lowercase hex of a digest, as a `String` (the stage functions' form).
fn hex(bytes: [u8; 32]) -> String {
    hex32(&bytes).iter().map(|&b| char::from(b)).collect()
}

/// Signs requests, caching the derived key per (secret key, date, service).
///
/// The hot path builds no intermediate strings: the canonical request and
/// the string to sign are fed to the hasher and the MAC piece by piece, and
/// only the header value is allocated.
#[derive(Default)]
pub struct Signer {
    cache: Mutex<Option<CachedKey>>,
}

struct CachedKey {
    secret_key: String,
    day: u64,
    service: String,
    /// HMAC already keyed with the signing key: cloning it skips both the
    /// derivation and the key schedule.
    mac: HmacSha256,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer").finish_non_exhaustive()
    }
}

impl Signer {
    /// A signer with an empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The `Authorization` header value for `req`.
    pub fn authorization(&self, secret_id: &str, secret_key: &str, req: &Request<'_>) -> String {
        let mac = self.keyed_mac(secret_key, req);
        sign_with(mac, secret_id, req)
    }

    fn keyed_mac(&self, secret_key: &str, req: &Request<'_>) -> HmacSha256 {
        let day = req.timestamp / 86_400;
        // A poisoned lock only means another signer panicked mid-update of a
        // cache entry; the entry is rebuilt below, so use the guard anyway.
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = cache.as_ref() {
            if c.day == day && c.service == req.service && c.secret_key == secret_key {
                return c.mac.clone();
            }
        }
        let mac = cold_mac(secret_key, req);
        *cache = Some(CachedKey {
            secret_key: secret_key.to_owned(),
            day,
            service: req.service.to_owned(),
            mac: mac.clone(),
        });
        mac
    }

    /// Signs without touching the cache: derives the key every time (for
    /// benchmarks that compare cold and cached signing).
    pub fn authorization_uncached(secret_id: &str, secret_key: &str, req: &Request<'_>) -> String {
        sign_with(cold_mac(secret_key, req), secret_id, req)
    }
}

/// An HMAC keyed with the derived signing key of `req`'s date and service.
fn cold_mac(secret_key: &str, req: &Request<'_>) -> HmacSha256 {
    let date = date_bytes(req.timestamp);
    let date = std::str::from_utf8(&date).unwrap_or_default();
    keyed(&derive_key(secret_key, date, req.service))
}

/// Steps 2, 3, 5 and 6 with a keyed MAC, streaming instead of formatting.
fn sign_with(mut mac: HmacSha256, secret_id: &str, req: &Request<'_>) -> String {
    let date = date_bytes(req.timestamp);
    let mut ts_buf = [0u8; 20];
    let ts = decimal(req.timestamp, &mut ts_buf);

    let payload_hash = hex32(&Sha256::digest(req.payload).into());
    let content_type = canonical_value(req.content_type);
    let host = canonical_value(req.host);
    let mut canonical = Sha256::new();
    for part in [
        b"POST\n/\n\ncontent-type:".as_slice(),
        content_type.as_bytes(),
        b"\nhost:",
        host.as_bytes(),
        b"\n\ncontent-type;host\n",
        &payload_hash,
    ] {
        canonical.update(part);
    }
    let canonical_hash = hex32(&canonical.finalize().into());

    for part in [
        b"TC3-HMAC-SHA256\n".as_slice(),
        ts,
        b"\n",
        &date,
        b"/",
        req.service.as_bytes(),
        b"/tc3_request\n",
        &canonical_hash,
    ] {
        mac.update(part);
    }
    let signature = hex32(&mac.finalize().into_bytes().into());

    let mut out = String::with_capacity(160 + secret_id.len() + req.service.len());
    for part in [
        "TC3-HMAC-SHA256 Credential=",
        secret_id,
        "/",
        std::str::from_utf8(&date).unwrap_or_default(),
        "/",
        req.service,
        "/tc3_request, SignedHeaders=content-type;host, Signature=",
        std::str::from_utf8(&signature).unwrap_or_default(),
    ] {
        out.push_str(part);
    }
    out
}

/// A header value trimmed and lower-cased, allocating only when that
/// changes it (the client's own values never need it).
fn canonical_value(value: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = value.trim();
    if trimmed.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(trimmed.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(trimmed)
    }
}

/// `YYYY-MM-DD` of a Unix timestamp, without allocating (years past 9999
/// wrap; no such timestamp is signed).
fn date_bytes(timestamp: u64) -> [u8; 10] {
    let (y, m, d) = crate::calendar::civil(timestamp);
    let digit = |n: u64| b'0' + (n % 10) as u8;
    [
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(d / 10),
        digit(d),
    ]
}

fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(b >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(b & 0xf)];
    }
    out
}
