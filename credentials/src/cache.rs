//! The refresh rules both providers follow, the runtime's CVM role
//! provider's: credentials cached and refreshed ahead of expiry, one
//! refresh shared by concurrent callers (and its failure), cached
//! credentials still valid served for a while after a failed refresh.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use tencentcloud_runtime::credentials::{Credentials, CredentialsError};
use tokio::sync::Mutex;

/// How long after a failed refresh cached (still valid) credentials are
/// served without asking STS again, so that an outage does not add a
/// timeout to every request.
const RETRY_DELAY: Duration = Duration::from_secs(10);

/// Cached temporary credentials and when to refresh them.
pub(crate) struct Cache {
    /// Said in the warning of a failed refresh.
    source: &'static str,
    refresh_window: Duration,
    /// Bumped after every refresh attempt, so that callers that waited for
    /// the lock can tell that someone else just refreshed.
    generation: AtomicU64,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    cached: Option<Cached>,
    /// After a failed refresh with valid cached credentials: when to try again.
    retry_at: Option<Instant>,
    /// The last refresh's error, when no valid credentials were cached, for
    /// callers that were waiting on that refresh.
    last_error: Option<CredentialsError>,
}

struct Cached {
    credentials: Credentials,
    /// From when they are refreshed.
    refresh_at: SystemTime,
}

impl Cache {
    pub(crate) fn new(source: &'static str, refresh_window: Duration) -> Self {
        Cache {
            source,
            refresh_window,
            generation: AtomicU64::new(0),
            state: Mutex::new(State::default()),
        }
    }

    pub(crate) fn refresh_window(&self) -> Duration {
        self.refresh_window
    }

    /// When cached credentials are refreshed: `refresh_window` before they
    /// expire, but never in the first half of their life, so credentials
    /// that live shorter than the window are not fetched on every call.
    fn refresh_at(&self, creds: &Credentials, fetched: SystemTime) -> SystemTime {
        match creds.expires_at() {
            None => SystemTime::UNIX_EPOCH + Duration::from_secs(u64::MAX / 4),
            Some(expiry) => {
                let life = expiry.duration_since(fetched).unwrap_or(Duration::ZERO);
                expiry
                    .checked_sub(self.refresh_window.min(life / 2))
                    .unwrap_or(fetched)
            }
        }
    }

    /// When the cached credentials expire, for `Debug`.
    pub(crate) fn cached_until(&self) -> Option<SystemTime> {
        self.state
            .try_lock()
            .ok()
            .and_then(|s| s.cached.as_ref().and_then(|c| c.credentials.expires_at()))
    }

    /// The cached credentials, or those `fetch` gets when they are due for
    /// a refresh; one `fetch` at a time, its outcome shared with callers
    /// that waited on it.
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<Credentials, CredentialsError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Credentials, CredentialsError>>,
    {
        let seen = self.generation.load(Ordering::Acquire);
        let mut state = self.state.lock().await;
        let now = SystemTime::now();
        if let Some(c) = state.cached.as_ref().filter(|c| now < c.refresh_at) {
            return Ok(c.credentials.clone());
        }
        let usable = state
            .cached
            .as_ref()
            .map(|c| &c.credentials)
            .filter(|c| !is_expired(c, now))
            .cloned();
        if self.generation.load(Ordering::Acquire) != seen {
            // Someone refreshed while we waited for the lock: share the outcome.
            if let Some(creds) = usable {
                return Ok(creds);
            }
            if let Some(e) = &state.last_error {
                return Err(e.replay());
            }
        }
        if let (Some(creds), Some(retry_at)) = (&usable, state.retry_at) {
            if Instant::now() < retry_at {
                return Ok(creds.clone());
            }
        }
        let result = fetch().await;
        self.generation.fetch_add(1, Ordering::AcqRel);
        match result {
            Ok(creds) => {
                let refresh_at = self.refresh_at(&creds, SystemTime::now());
                state.cached = Some(Cached {
                    credentials: creds.clone(),
                    refresh_at,
                });
                state.retry_at = None;
                state.last_error = None;
                Ok(creds)
            }
            Err(e) => match usable.filter(|c| !is_expired(c, SystemTime::now())) {
                Some(creds) => {
                    tracing::warn!(
                        error = %e,
                        source = self.source,
                        "refreshing temporary credentials failed; using the cached ones until they expire"
                    );
                    state.retry_at = Some(Instant::now() + RETRY_DELAY);
                    state.last_error = None;
                    Ok(creds)
                }
                None => {
                    state.last_error = Some(e.replay());
                    Err(e)
                }
            },
        }
    }
}

fn is_expired(creds: &Credentials, now: SystemTime) -> bool {
    creds.expires_at().is_some_and(|expiry| expiry <= now)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn short_lived_credentials_are_kept_for_half_their_life() {
        let cache = Cache::new("test", Duration::from_secs(300));
        let now = SystemTime::now();
        let short = Credentials::new("AKID", "key")
            .unwrap()
            .with_expiry(now + Duration::from_secs(4));
        assert_eq!(cache.refresh_at(&short, now), now + Duration::from_secs(2));
        let long = Credentials::new("AKID", "key")
            .unwrap()
            .with_expiry(now + Duration::from_secs(7200));
        assert_eq!(
            cache.refresh_at(&long, now),
            now + Duration::from_secs(7200 - 300)
        );
    }
}
