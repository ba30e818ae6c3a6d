//! STS as the service plays it: `AssumeRole` (signed) and
//! `AssumeRoleWithWebIdentity` (unsigned: `Authorization: SKIP`, the token
//! checked against the ones configured) issue temporary keys, which the
//! mock then accepts for every service it serves, with their token, until
//! they expire.
//!
//! Served only when STS is (`MockServerBuilder::service(sts_api::SERVICE)`,
//! or the feature `sts`); every other STS action answers its example.
//! State is bounded: at most `max_issued_keys` keys are kept; a full store
//! first forgets expired keys, then answers `LimitExceeded`.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use serde_json::{Map, Value, json};
use tencentcloud_runtime::credentials::Credentials;
use tencentcloud_runtime::time::UnixSeconds;

use super::verify::{ApiError, excerpt};

/// The service name whose actions this module plays.
pub(crate) const SERVICE: &str = "sts";

/// The one action the service takes unsigned (`Authorization: SKIP`).
pub(crate) const UNSIGNED_ACTION: &str = "AssumeRoleWithWebIdentity";

/// `DurationSeconds` when the request has none, and the most it may be.
const DEFAULT_DURATION: u64 = 7200;
const MAX_DURATION: u64 = 43_200;

/// What the STS part of the mock is configured with.
#[derive(Clone, Debug)]
pub(crate) struct StsConfig {
    /// `(ProviderId, WebIdentityToken)` pairs `AssumeRoleWithWebIdentity` accepts.
    pub(crate) web_identity: Vec<(String, String)>,
    /// The shortest `DurationSeconds` accepted (Tencent: 900).
    pub(crate) min_duration: Duration,
    /// Issued keys kept at most.
    pub(crate) max_issued: usize,
}

impl Default for StsConfig {
    fn default() -> Self {
        StsConfig {
            web_identity: Vec::new(),
            min_duration: Duration::from_secs(900),
            max_issued: 10_000,
        }
    }
}

/// One key the mock issued.
#[derive(Clone, Debug)]
pub struct IssuedKey {
    /// The temporary `SecretId`.
    pub secret_id: String,
    /// The role assumed.
    pub role_arn: String,
    /// The session name asked for.
    pub role_session_name: String,
    /// The action that issued it (`AssumeRole`, `AssumeRoleWithWebIdentity`).
    pub action: &'static str,
    /// When it stops being accepted, Unix seconds (the mock's clock).
    pub expired_time: u64,
}

/// The keys issued, oldest first.
#[derive(Default)]
pub(crate) struct Issued {
    keys: HashMap<String, (Credentials, IssuedKey)>,
    order: VecDeque<String>,
    minted: u64,
}

/// Why an issued key is not accepted.
pub(crate) enum Lookup {
    /// Not a key the mock issued.
    Unknown,
    /// Issued, and valid now.
    Valid(Credentials),
    /// Issued, and expired at this time.
    Expired(u64),
}

impl Issued {
    pub(crate) fn lookup(&self, secret_id: &str, now: u64) -> Lookup {
        match self.keys.get(secret_id) {
            None => Lookup::Unknown,
            Some((_, key)) if key.expired_time <= now => Lookup::Expired(key.expired_time),
            Some((creds, _)) => Lookup::Valid(creds.clone()),
        }
    }

    pub(crate) fn list(&self) -> Vec<IssuedKey> {
        self.order
            .iter()
            .filter_map(|id| self.keys.get(id).map(|(_, k)| k.clone()))
            .collect()
    }

    /// Makes room for one more key; `false` if every kept key is still valid.
    fn room(&mut self, max: usize, now: u64) -> bool {
        if self.keys.len() < max {
            return true;
        }
        let keys = &mut self.keys;
        self.order.retain(|id| {
            let live = keys.get(id).is_some_and(|(_, k)| k.expired_time > now);
            if !live {
                keys.remove(id);
            }
            live
        });
        self.keys.len() < max
    }
}

/// Text made of `len` characters of `alphabet`, from a 64-bit mix of
/// `seed` and `n` (not secret: it is a test server).
fn mint(seed: u64, n: u64, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut state = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..len)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            char::from(ALPHABET[(z % ALPHABET.len() as u64) as usize])
        })
        .collect()
}

fn param_error(message: String) -> ApiError {
    ApiError::new("InvalidParameter.ParamError", message)
}

fn text<'b>(body: &'b Value, name: &str) -> Result<&'b str, ApiError> {
    body.get(name).and_then(Value::as_str).ok_or_else(|| {
        ApiError::new(
            "MissingParameter",
            format!("The request is missing a required parameter `{name}`."),
        )
    })
}

/// Answers `action` of STS when it issues keys; `None` for the others.
pub(crate) fn answer(
    config: &StsConfig,
    issued: &mut Issued,
    seed: u64,
    now: u64,
    action: &'static str,
    body: &Value,
) -> Option<Result<Map<String, Value>, ApiError>> {
    if action != "AssumeRole" && action != UNSIGNED_ACTION {
        return None;
    }
    Some(issue(config, issued, seed, now, action, body))
}

fn issue(
    config: &StsConfig,
    issued: &mut Issued,
    seed: u64,
    now: u64,
    action: &'static str,
    body: &Value,
) -> Result<Map<String, Value>, ApiError> {
    let role_arn = text(body, "RoleArn")?;
    if !role_arn.starts_with("qcs::cam::uin/") || !role_arn.contains(":role") {
        return Err(ApiError::new(
            "InvalidParameter.ResouceError",
            format!(
                "The RoleArn `{}` is not a role's resource description (qcs::cam::uin/UIN:roleName/NAME).",
                excerpt(role_arn)
            ),
        ));
    }
    let session = text(body, "RoleSessionName")?;
    let session_ok = (2..=128).contains(&session.len())
        && session
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if !session_ok {
        return Err(param_error(format!(
            "The RoleSessionName `{}` must be 2 to 128 letters, digits and +=,.@_-.",
            excerpt(session)
        )));
    }
    let duration = match body.get("DurationSeconds") {
        None | Some(Value::Null) => DEFAULT_DURATION,
        Some(v) => v
            .as_u64()
            .ok_or_else(|| param_error("DurationSeconds must be a positive integer.".to_owned()))?,
    };
    let min = config.min_duration.as_secs();
    if duration > MAX_DURATION {
        return Err(ApiError::new(
            "InvalidParameter.OverTimeError",
            format!("DurationSeconds {duration} is over the maximum of {MAX_DURATION}."),
        ));
    }
    if duration < min.max(1) {
        return Err(param_error(format!(
            "DurationSeconds {duration} is under the minimum of {}.",
            min.max(1)
        )));
    }
    if action == UNSIGNED_ACTION {
        let provider = text(body, "ProviderId")?;
        let token = text(body, "WebIdentityToken")?;
        // The token is never quoted: it is a credential.
        if !config
            .web_identity
            .iter()
            .any(|(p, t)| p == provider && t == token)
        {
            return Err(ApiError::new(
                "InvalidParameter.WebIdentityTokenError",
                format!(
                    "The WebIdentityToken is not valid for the identity provider `{}`.",
                    excerpt(provider)
                ),
            ));
        }
    }
    if !issued.room(config.max_issued, now) {
        return Err(ApiError::new(
            "LimitExceeded",
            format!(
                "The mock keeps at most {} issued keys, and all are still valid.",
                config.max_issued
            ),
        ));
    }
    issued.minted += 1;
    let n = issued.minted;
    let secret_id = format!("AKIDSTS{}", mint(seed, n, 29));
    let secret_key = mint(seed ^ 0x005E_C2E7, n, 32);
    let token = mint(seed ^ 0x704E, n, 96);
    let expired_time = now + duration;
    let creds = Credentials::new(secret_id.clone(), secret_key.clone())
        .and_then(|c| c.with_token(token.clone()))
        .map_err(|_| ApiError::new("InternalError", "The mock made an unusable key."))?;
    let key = IssuedKey {
        secret_id: secret_id.clone(),
        role_arn: role_arn.to_owned(),
        role_session_name: session.to_owned(),
        action,
        expired_time,
    };
    issued.order.push_back(secret_id.clone());
    issued.keys.insert(secret_id.clone(), (creds, key));
    let expiration = UnixSeconds::new(i64::try_from(expired_time).unwrap_or(i64::MAX)).to_string();
    match json!({
        "Credentials": {"Token": token, "TmpSecretId": secret_id, "TmpSecretKey": secret_key},
        "ExpiredTime": expired_time,
        "Expiration": expiration,
    }) {
        Value::Object(m) => Ok(m),
        _ => Err(ApiError::new(
            "InternalError",
            "The answer could not be made.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(duration: u64) -> Value {
        json!({"RoleArn": "qcs::cam::uin/1:roleName/r", "RoleSessionName": "s1", "DurationSeconds": duration})
    }

    #[test]
    fn issues_keys_until_full_then_forgets_expired_ones() {
        let config = StsConfig {
            max_issued: 2,
            min_duration: Duration::from_secs(1),
            ..StsConfig::default()
        };
        let mut issued = Issued::default();
        for _ in 0..2 {
            assert!(issue(&config, &mut issued, 7, 100, "AssumeRole", &body(10)).is_ok());
        }
        let full = issue(&config, &mut issued, 7, 105, "AssumeRole", &body(10)).unwrap_err();
        assert_eq!(full.code, "LimitExceeded");
        // At 110 both have expired: room again.
        assert!(issue(&config, &mut issued, 7, 110, "AssumeRole", &body(10)).is_ok());
        assert_eq!(issued.list().len(), 1);
    }

    #[test]
    fn durations_are_bounded() {
        let config = StsConfig::default();
        let mut issued = Issued::default();
        let short = issue(&config, &mut issued, 7, 100, "AssumeRole", &body(899)).unwrap_err();
        assert_eq!(short.code, "InvalidParameter.ParamError");
        let long = issue(&config, &mut issued, 7, 100, "AssumeRole", &body(43_201)).unwrap_err();
        assert_eq!(long.code, "InvalidParameter.OverTimeError");
    }

    #[test]
    fn a_wrong_web_identity_token_is_refused_without_quoting_it() {
        let config = StsConfig {
            web_identity: vec![("OIDC".to_owned(), "good-token".to_owned())],
            ..StsConfig::default()
        };
        let mut issued = Issued::default();
        let mut request = body(900);
        request["ProviderId"] = json!("OIDC");
        request["WebIdentityToken"] = json!("bad-token-s3cr3t");
        let err = issue(&config, &mut issued, 7, 100, UNSIGNED_ACTION, &request).unwrap_err();
        assert_eq!(err.code, "InvalidParameter.WebIdentityTokenError");
        assert!(!err.message.contains("s3cr3t"), "{}", err.message);
        request["WebIdentityToken"] = json!("good-token");
        let ok = issue(&config, &mut issued, 7, 100, UNSIGNED_ACTION, &request).unwrap();
        assert_eq!(ok["ExpiredTime"], json!(1000));
        assert!(matches!(
            issued.lookup(ok["Credentials"]["TmpSecretId"].as_str().unwrap(), 999),
            Lookup::Valid(_)
        ));
        assert!(matches!(
            issued.lookup(ok["Credentials"]["TmpSecretId"].as_str().unwrap(), 1000),
            Lookup::Expired(1000)
        ));
    }
}
