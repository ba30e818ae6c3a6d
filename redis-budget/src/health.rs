//! Whether Redis answers: when to ask it, when to fall back, and the one
//! log line each change of state is worth.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug)]
pub(crate) struct Health {
    state: Mutex<State>,
    /// How long after a failure Redis is asked again.
    retry_every: Duration,
    /// How long after Redis answers again the fallback still counts too.
    overlap: Duration,
}

#[derive(Debug, Clone, Copy)]
enum State {
    /// Answering; `fallback_until` while the fallback's recent slots still
    /// count (the first window after an outage).
    Up { fallback_until: Option<Instant> },
    /// Not answering; the next caller at or after `probe_at` asks again.
    Down { probe_at: Instant },
}

/// What a caller does now.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// Ask Redis; `also_local` while the fallback's slots still count.
    Redis { also_local: bool },
    /// Take a slot of the fallback.
    Local,
}

impl Health {
    pub(crate) fn new(retry_every: Duration, overlap: Duration) -> Health {
        Health {
            state: Mutex::new(State::Up {
                fallback_until: None,
            }),
            retry_every,
            overlap,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Where the next slot comes from. While Redis is down one caller per
    /// `retry_every` is sent to find out whether it is back (the others
    /// keep to the fallback meanwhile).
    pub(crate) fn route(&self) -> Route {
        let now = Instant::now();
        let mut s = self.state();
        match *s {
            State::Up { fallback_until } => Route::Redis {
                also_local: fallback_until.is_some_and(|t| now < t),
            },
            State::Down { probe_at } if now >= probe_at => {
                *s = State::Down {
                    probe_at: now + self.retry_every,
                };
                Route::Redis { also_local: true }
            }
            State::Down { .. } => Route::Local,
        }
    }

    /// Whether Redis is known not to answer now.
    pub(crate) fn is_down(&self) -> bool {
        matches!(*self.state(), State::Down { .. })
    }

    /// Redis failed to answer; true when that starts an outage (the one
    /// time to say so).
    pub(crate) fn failed(&self) -> bool {
        let mut s = self.state();
        let started = matches!(*s, State::Up { .. });
        if started {
            *s = State::Down {
                probe_at: Instant::now() + self.retry_every,
            };
        }
        started
    }

    /// Redis answered; true when that ends an outage.
    pub(crate) fn answered(&self) -> bool {
        let mut s = self.state();
        let ended = matches!(*s, State::Down { .. });
        if ended {
            *s = State::Up {
                fallback_until: Some(Instant::now() + self.overlap),
            };
        }
        ended
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn an_outage_is_told_once_probed_each_interval_and_overlaps_after() {
        let h = Health::new(Duration::from_secs(1), Duration::from_millis(1020));
        assert_eq!(h.route(), Route::Redis { also_local: false });
        assert!(h.failed(), "the first failure starts an outage");
        assert!(!h.failed(), "a second one is the same outage");
        assert_eq!(h.route(), Route::Local);
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(h.route(), Route::Redis { also_local: true }, "the probe");
        assert_eq!(h.route(), Route::Local, "one probe per interval");
        assert!(h.answered());
        assert!(!h.answered());
        assert_eq!(h.route(), Route::Redis { also_local: true });
        tokio::time::sleep(Duration::from_millis(1020)).await;
        assert_eq!(h.route(), Route::Redis { also_local: false });
    }
}
