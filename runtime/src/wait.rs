//! Waiting: an action polled until its answer says a piece of work has
//! ended (a compile task succeeded, an approval was decided), with backoff
//! between polls and a deadline over the whole wait.
//!
//! What an answer means is the caller's [`Waiter::new`] classifier, or a
//! generated one: a service crate's named waiters (`wait_until_…` on the
//! request of the action they poll) read the status member its spec names.
//! This module does the polling, once for every action. Each poll is a
//! normal call (retries, timeouts and the rate limit apply to it as to any
//! other), and a call still running at the deadline is abandoned there, so
//! a wait never outlasts [`max_wait`](Waiter::max_wait) by more than the
//! scheduler's slack.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use tokio::time::Instant;

use crate::operation::Operation;
use crate::{Client, SdkError};

/// Longest a wait lasts, unless set otherwise.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(300);
/// Shortest pause between polls, unless set otherwise.
pub const DEFAULT_MIN_DELAY: Duration = Duration::from_secs(2);
/// Longest pause between polls, unless set otherwise.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(30);

/// What one answer says of the work waited for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitState {
    /// Not ended yet: poll again.
    Pending,
    /// Ended as hoped: the wait returns this answer.
    Done,
    /// Ended otherwise: the wait fails with this answer.
    Failed,
}

/// A wait for `O`'s answers to reach [`WaitState::Done`], not yet started.
pub struct Waiter<O: Operation, F> {
    client: Client,
    input: O::Input,
    classify: F,
    max_wait: Duration,
    min_delay: Duration,
    max_delay: Duration,
    pending_codes: Vec<Cow<'static, str>>,
}

impl<O, F> Waiter<O, F>
where
    O: Operation,
    F: Fn(&O::Output) -> WaitState + Send + Sync,
{
    /// A wait that sends `input` until `classify` says an answer is done
    /// or failed. A generated client dereferences to the runtime's, so
    /// `&client` works for any service's `Client`.
    pub fn new(client: &Client, input: O::Input, classify: F) -> Self {
        Waiter {
            client: client.clone(),
            input,
            classify,
            max_wait: DEFAULT_MAX_WAIT,
            min_delay: DEFAULT_MIN_DELAY,
            max_delay: DEFAULT_MAX_DELAY,
            pending_codes: Vec::new(),
        }
    }

    /// The longest the whole wait lasts (default [`DEFAULT_MAX_WAIT`]).
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The pause between polls: from `min` (after the first), doubling to
    /// at most `max`, drawn at random between `min` and that cap so that
    /// many waiters do not poll in step (defaults
    /// [`DEFAULT_MIN_DELAY`], [`DEFAULT_MAX_DELAY`]). `max` below `min`
    /// counts as `min`.
    pub fn delays(mut self, min: Duration, max: Duration) -> Self {
        self.min_delay = min;
        self.max_delay = max.max(min);
        self
    }

    /// Treats the service error `code` as "not there yet" rather than the
    /// end of the wait: for a resource polled just after its create, before
    /// the service lists it (a code ending in `.` matches every code under
    /// it: `ResourceNotFound.`).
    pub fn pending_on_error(mut self, code: impl Into<Cow<'static, str>>) -> Self {
        self.pending_codes.push(code.into());
        self
    }

    /// Polls until an answer is done (returned), failed
    /// ([`WaitError::Failed`]), a call fails ([`WaitError::Call`]), or the
    /// next poll would come after the deadline ([`WaitError::TimedOut`]).
    pub async fn wait(self) -> Result<O::Output, WaitError<O::Output, O::Error>> {
        let start = Instant::now();
        let deadline = start + self.max_wait;
        let mut polls = 0u32;
        let mut last = None;
        let mut cap = self.min_delay;
        loop {
            polls += 1;
            let call = self.client.call::<O>(&self.input);
            let answer = match tokio::time::timeout_at(deadline, call).await {
                Err(_) => return Err(self.timed_out(start, polls, last)),
                Ok(answer) => answer,
            };
            match answer {
                Ok(output) => match (self.classify)(&output) {
                    WaitState::Done => return Ok(output),
                    WaitState::Failed => {
                        return Err(WaitError::Failed {
                            answer: output,
                            polls,
                        });
                    }
                    WaitState::Pending => last = Some(output),
                },
                Err(e) if self.is_pending(&e) => {}
                Err(e) => return Err(WaitError::Call(e)),
            }
            let delay = if polls == 1 {
                self.min_delay
            } else {
                jittered(self.min_delay, cap)
            };
            cap = cap.saturating_mul(2).min(self.max_delay);
            if Instant::now() + delay >= deadline {
                return Err(self.timed_out(start, polls, last));
            }
            tokio::time::sleep(delay).await;
        }
    }

    fn is_pending(&self, e: &SdkError<O::Error>) -> bool {
        let Some(code) = e.code() else {
            return false;
        };
        self.pending_codes
            .iter()
            .any(|c| match c.strip_suffix('.') {
                Some(family) => code
                    .strip_prefix(family)
                    .is_some_and(|r| r.starts_with('.')),
                None => code == c,
            })
    }

    fn timed_out(
        &self,
        start: Instant,
        polls: u32,
        last: Option<O::Output>,
    ) -> WaitError<O::Output, O::Error> {
        WaitError::TimedOut {
            action: O::ACTION,
            polls,
            waited: start.elapsed(),
            last,
        }
    }
}

/// A pause drawn between `min` and `cap`.
fn jittered(min: Duration, cap: Duration) -> Duration {
    let span = cap.saturating_sub(min).as_millis() as u64;
    min + Duration::from_millis(fastrand::u64(0..=span))
}

/// How a wait ended other than done.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<T, E> {
    /// An answer said the work ended otherwise (a task failed, an approval
    /// was rejected): that answer.
    Failed {
        /// The answer that said so.
        answer: T,
        /// Polls sent, this one included.
        polls: u32,
    },
    /// The deadline came first.
    TimedOut {
        /// The action polled.
        action: &'static str,
        /// Polls sent.
        polls: u32,
        /// How long the wait lasted.
        waited: Duration,
        /// The last answer, if any poll was answered.
        last: Option<T>,
    },
    /// A poll failed with an error not taken as pending (after the
    /// client's own retries).
    Call(SdkError<E>),
}

impl<T, E> WaitError<T, E> {
    /// The answer that ended the wait, or the last one before the deadline.
    pub fn answer(&self) -> Option<&T> {
        match self {
            WaitError::Failed { answer, .. } => Some(answer),
            WaitError::TimedOut { last, .. } => last.as_ref(),
            WaitError::Call(_) => None,
        }
    }
}

impl<T, E: fmt::Display> fmt::Display for WaitError<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Failed { polls, .. } => {
                write!(f, "the work waited for failed (answer of poll {polls})")
            }
            WaitError::TimedOut {
                action,
                polls,
                waited,
                ..
            } => write!(
                f,
                "gave up waiting after {:.1} s: {polls} polls of {action} never said the work had ended",
                waited.as_secs_f64()
            ),
            WaitError::Call(e) => write!(f, "a poll failed: {e}"),
        }
    }
}

impl<T: fmt::Debug, E: std::error::Error + 'static> std::error::Error for WaitError<T, E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Call(e) => Some(e),
            _ => None,
        }
    }
}

// By hand: the input may hold values a caller would not print.
impl<O: Operation, F> fmt::Debug for Waiter<O, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("action", &O::ACTION)
            .field("max_wait", &self.max_wait)
            .field("min_delay", &self.min_delay)
            .field("max_delay", &self.max_delay)
            .field("pending_codes", &self.pending_codes)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_between_min_and_cap() {
        let (min, cap) = (Duration::from_millis(100), Duration::from_millis(400));
        for _ in 0..1000 {
            let d = jittered(min, cap);
            assert!(d >= min && d <= cap, "{d:?}");
        }
        assert_eq!(jittered(min, min), min);
        assert_eq!(jittered(min, Duration::ZERO), min);
    }
}
