//! v1 signatures (`HmacSHA1`, `HmacSHA256`) made by hand, as the official
//! SDKs make them, for tests that send raw v1 requests.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use tencentcloud_mock::v1_signature;

/// Percent-encodes all but RFC 3986's unreserved characters, as the SDKs do.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The common parameters of a TCMPP v1 request of `action` by `secret_id`,
/// now, with a nonce no other call of this process uses.
pub fn common(action: &str, secret_id: &str) -> Vec<(String, String)> {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let nonce = (u64::from(now.subsec_nanos()) << 20) + NEXT.fetch_add(1, Ordering::Relaxed);
    [
        ("Action", action.to_owned()),
        ("Version", "2024-08-01".to_owned()),
        ("Region", "ap-singapore".to_owned()),
        ("Timestamp", now.as_secs().to_string()),
        ("Nonce", nonce.to_string()),
        ("SecretId", secret_id.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// `params` (without `Signature`) signed for `METHOD host/` with
/// `secret_key`, `HmacSHA256` if `params` has `SignatureMethod=HmacSHA256`;
/// the encoded form body or query string, `Signature` last.
pub fn signed(
    method: &str,
    host: &str,
    secret_key: &str,
    mut params: Vec<(String, String)>,
) -> String {
    let sha256 = params
        .iter()
        .any(|(k, v)| k == "SignatureMethod" && v == "HmacSHA256");
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let joined: Vec<String> = sorted.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let string_to_sign = format!("{method}{host}/?{}", joined.join("&"));
    let signature = v1_signature(secret_key, &string_to_sign, sha256);
    params.push(("Signature".into(), signature));
    let encoded: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    encoded.join("&")
}

/// `params` signed for `GET host/` with `secret_key` and sent to
/// `endpoint`: the answer as JSON (`null` when it is not JSON).
pub async fn get(
    endpoint: &str,
    host: &str,
    secret_key: &str,
    params: Vec<(String, String)>,
) -> Result<serde_json::Value, tcmpp_api::reqwest::Error> {
    let query = signed("GET", host, secret_key, params);
    let http = tcmpp_api::config::reqwest_builder().no_proxy().build()?;
    let bytes = http
        .get(format!("{endpoint}/?{query}"))
        .send()
        .await?
        .bytes()
        .await?;
    Ok(serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}
