//! v1 writes already acted on, so that the same signed request sent again
//! within the timestamp window is refused: what the v1 `Nonce` is for.
//!
//! TC3 has no nonce: two calls of a write with the same members in the same
//! second are signed alike, so a repeated TC3 request cannot be told from a
//! caller's second call and is acted on again, as the service documents
//! nothing else for it.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// The most fingerprints kept; past it the oldest are forgotten (memory
/// stays bounded whatever the rate of writes).
const CAPACITY: usize = 100_000;

/// Fingerprints of acted-on v1 writes, kept until their timestamp could no
/// longer pass the window.
pub(crate) struct Replays {
    /// Each fingerprint with when it may be forgotten.
    seen: HashMap<[u8; 32], Instant>,
    /// The same, in insertion order (an entry whose time no longer matches
    /// `seen` was forgotten and recorded again).
    order: VecDeque<(Instant, [u8; 32])>,
    keep: Duration,
}

impl Replays {
    /// `max_skew` is the timestamp window either side of the mock's clock:
    /// a signed request is valid for twice that.
    pub(crate) fn new(max_skew: Duration) -> Self {
        Replays {
            seen: HashMap::new(),
            order: VecDeque::new(),
            keep: max_skew.saturating_mul(2),
        }
    }

    /// What identifies one signed request: its key and signature (the
    /// signature covers every parameter, `Nonce` and `Timestamp` included).
    pub(crate) fn fingerprint(secret_id: &str, signature: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(secret_id);
        h.update("\n");
        h.update(signature);
        h.finalize().into()
    }

    /// Records `fingerprint`; `false` if it is already recorded (a replay).
    pub(crate) fn first_use(&mut self, fingerprint: [u8; 32]) -> bool {
        let now = Instant::now();
        while let Some(&(until, old)) = self.order.front() {
            if until > now && self.order.len() < CAPACITY {
                break;
            }
            self.order.pop_front();
            if self.seen.get(&old) == Some(&until) {
                self.seen.remove(&old);
            }
        }
        if self.seen.contains_key(&fingerprint) {
            return false;
        }
        let until = now.checked_add(self.keep).unwrap_or(now);
        self.seen.insert(fingerprint, until);
        self.order.push_back((until, fingerprint));
        true
    }

    /// Forgets `fingerprint`: the request was not acted on after all.
    pub(crate) fn forget(&mut self, fingerprint: &[u8; 32]) {
        self.seen.remove(fingerprint);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_is_refused_until_forgotten_or_expired() {
        let mut r = Replays::new(Duration::from_secs(300));
        let a = Replays::fingerprint("AKID", "sig-a");
        assert!(r.first_use(a));
        assert!(!r.first_use(a));
        assert!(r.first_use(Replays::fingerprint("AKID", "sig-b")));
        assert!(r.first_use(Replays::fingerprint("AKID2", "sig-a")));
        r.forget(&a);
        assert!(r.first_use(a));

        let mut short = Replays::new(Duration::ZERO);
        assert!(short.first_use(a));
        std::thread::sleep(Duration::from_millis(2));
        assert!(short.first_use(a), "an expired fingerprint is forgotten");
    }

    #[test]
    fn memory_is_bounded() {
        let mut r = Replays::new(Duration::from_secs(300));
        for i in 0..CAPACITY + 10 {
            assert!(r.first_use(Replays::fingerprint("AKID", &i.to_string())));
        }
        assert_eq!(r.seen.len(), CAPACITY);
        assert_eq!(r.order.len(), CAPACITY);
        // Forgotten and recorded again: the old entry leaving the queue does
        // not take the new one with it.
        let mut r = Replays::new(Duration::ZERO);
        let a = Replays::fingerprint("AKID", "a");
        assert!(r.first_use(a));
        r.forget(&a);
        r.keep = Duration::from_secs(300);
        assert!(r.first_use(a));
        assert!(r.first_use(Replays::fingerprint("AKID", "b")));
        assert!(!r.first_use(a));
    }
}
