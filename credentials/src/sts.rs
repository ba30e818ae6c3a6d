//! What both providers share: the STS endpoint and client settings, an
//! answer turned into credentials, and a failed call turned into an error
//! that names the source and never quotes a secret.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sts_api::models;

use crate::BuildError;
use tencentcloud_runtime::credentials::{Credentials, CredentialsError};
use tencentcloud_runtime::error::{ErrorKind, ResponseErrorKind};
use tencentcloud_runtime::{SdkError, ServiceError};

/// Where the providers call STS unless told otherwise: the host Tencent's
/// SDKs' credential providers use (the STS client's own default is the
/// international `sts.intl.tencentcloudapi.com`; both answer every account).
pub const DEFAULT_STS_ENDPOINT: &str = "https://sts.tencentcloudapi.com";

/// `DurationSeconds` unless set: Tencent's default, 2 hours.
pub const DEFAULT_DURATION: Duration = Duration::from_secs(7200);

/// The longest `DurationSeconds` STS grants: 12 hours.
pub const MAX_DURATION: Duration = Duration::from_secs(43_200);

/// How long before expiry credentials are refreshed unless set.
pub const DEFAULT_REFRESH_WINDOW: Duration = Duration::from_secs(5 * 60);

/// How long one STS call may take in all, retries included, unless set.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// How much text from STS an error message quotes.
const MAX_QUOTED: usize = 160;

/// A session name of our own: `tencentcloud-rust-` and the time in
/// microseconds (as Tencent's Python SDK names its TKE sessions).
pub(crate) fn default_session_name() -> String {
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros());
    format!("tencentcloud-rust-{micros}")
}

/// Checks a `DurationSeconds` before anything is sent.
pub(crate) fn check_duration(duration: Duration) -> Result<u64, BuildError> {
    let secs = duration.as_secs();
    if secs == 0 || duration > MAX_DURATION {
        return Err(BuildError::Duration { seconds: secs });
    }
    Ok(secs)
}

/// The members both answers carry, turned into credentials.
pub(crate) fn credentials(
    source: &str,
    creds: Option<models::Credentials>,
    expired_time: Option<i64>,
) -> Result<Credentials, CredentialsError> {
    let fail =
        |what: &str| CredentialsError::provider(format!("{source}: the answer {what}"), None);
    let creds = creds.ok_or_else(|| fail("has no Credentials"))?;
    let id = creds
        .tmp_secret_id
        .ok_or_else(|| fail("has no Credentials.TmpSecretId"))?;
    let key = creds
        .tmp_secret_key
        .ok_or_else(|| fail("has no Credentials.TmpSecretKey"))?;
    let token = creds
        .token
        .ok_or_else(|| fail("has no Credentials.Token"))?;
    let expired = expired_time.ok_or_else(|| fail("has no ExpiredTime"))?;
    let expires_at = u64::try_from(expired)
        .ok()
        .and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)))
        .ok_or_else(|| fail("has an ExpiredTime out of range"))?;
    if expires_at <= SystemTime::now() {
        return Err(fail(&format!(
            "has credentials that expired already (ExpiredTime {expired}); is the system clock right?"
        )));
    }
    // A value's problem is named, never the value.
    let invalid = |e: CredentialsError| match e {
        CredentialsError::Invalid { field, problem, .. } => {
            fail(&format!("has a temporary {field} that {problem}"))
        }
        other => other,
    };
    Ok(Credentials::new(id, key)
        .and_then(|c| c.with_token(token))
        .map_err(invalid)?
        .with_expiry(expires_at))
}

/// A failed STS call as a credentials error naming `source`. The service's
/// code and message are kept (shortened, escaped); an answer that could not
/// be read is described by its status and request id only, never its body,
/// which may hold a secret key.
pub(crate) fn call_error<E>(source: &str, e: SdkError<E>) -> CredentialsError
where
    E: ServiceError + fmt::Display,
{
    match e.kind() {
        ErrorKind::Service(service) => {
            let m = service.metadata();
            CredentialsError::provider(
                format!(
                    "{source}: STS refused: {} {}{}",
                    m.code(),
                    quote(m.message()),
                    request_id(m.request_id())
                ),
                None,
            )
        }
        ErrorKind::Response(r) => {
            let what = match r.kind() {
                ResponseErrorKind::TooLarge { limit } => format!("an answer over {limit} bytes"),
                ResponseErrorKind::Decode { .. } => {
                    "an answer that could not be decoded".to_owned()
                }
                _ => format!("an unexpected answer (HTTP {})", r.status()),
            };
            CredentialsError::provider(
                format!("{source}: STS sent {what}{}", request_id(r.request_id())),
                None,
            )
        }
        _ => CredentialsError::provider(
            format!("{source}: calling STS failed"),
            Some(Box::new(Flat(e.to_string()))),
        ),
    }
}

fn request_id(id: Option<&str>) -> String {
    id.map(|id| format!(" (request id {})", quote(id)))
        .unwrap_or_default()
}

/// The text of an error that is not `Send + Sync + 'static` as a source.
#[derive(Debug)]
struct Flat(String);

impl fmt::Display for Flat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Flat {}

/// Text from STS as a short quoted excerpt: printable ASCII kept,
/// everything else escaped.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for (i, c) in text.chars().enumerate() {
        if i == MAX_QUOTED {
            out.push_str(&format!("\"... ({} bytes in all)", text.len()));
            return out;
        }
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => out.extend(c.escape_unicode()),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn answer(key: &str) -> models::Credentials {
        let mut c = models::Credentials::default();
        c.tmp_secret_id = Some("AKIDTMP".to_owned());
        c.tmp_secret_key = Some(key.to_owned());
        c.token = Some("tok-s3cr3t".to_owned());
        c
    }

    fn later() -> i64 {
        i64::try_from(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs(),
        )
        .unwrap()
            + 3600
    }

    #[test]
    fn an_answer_becomes_credentials() {
        let c = credentials("s", Some(answer("key-s3cr3t")), Some(later())).unwrap();
        assert_eq!(c.secret_id(), "AKIDTMP");
        assert_eq!(c.token(), Some("tok-s3cr3t"));
        assert!(c.expires_at().is_some());
    }

    #[test]
    fn bad_answers_name_the_member_never_the_value() {
        for (creds, expired) in [
            (None, Some(later())),
            (Some(answer("key-s3cr3t")), None),
            (Some(answer("key-s3cr3t")), Some(1)),
            (Some(answer("key-s3cr3t\n")), Some(later())),
            (Some(answer("")), Some(later())),
        ] {
            let e = credentials("AssumeRole r", creds, expired).unwrap_err();
            let shown = format!("{e} {e:?}");
            assert!(
                shown.starts_with("credentials: AssumeRole r: the answer"),
                "{shown}"
            );
            assert!(!shown.contains("s3cr3t"), "{shown}");
        }
    }

    #[test]
    fn durations_are_checked() {
        assert_eq!(check_duration(Duration::from_secs(900)).unwrap(), 900);
        assert!(check_duration(Duration::ZERO).is_err());
        assert!(check_duration(Duration::from_secs(43_201)).is_err());
    }
}
