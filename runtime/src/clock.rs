//! The service's clock, as learned from its answers: clock skew correction.
//!
//! TC3 signatures carry the client's time and the service refuses one more
//! than five minutes from its own (`AuthFailure.SignatureExpire`). A machine
//! whose clock is off (a laptop after sleep, a container, a board without a
//! real-time clock, a clock set to local time as if it were UTC) would fail
//! every call. So the client keeps an offset, the service's clock minus its
//! own, shared by all clones of a client, and signs with its clock plus the
//! offset.
//!
//! **Which answers teach it.** Only an answer that rejected the request
//! with `AuthFailure.SignatureExpire`, in the service's JSON envelope, and
//! only through its HTTP `Date` header. TC3 answers are not signed, so no
//! `Date` is proven to be the service's; a rejection of our time is at least
//! proof that a correction is needed, and the offset it gives is then tried
//! once. A successful answer proves the current offset good enough, so its
//! `Date`, which might be a gateway's or a proxy's clock, is never taken: a
//! client that works cannot be broken by a wrong `Date`. Gateway pages (an
//! HTML 502) teach nothing. The error's message is not parsed: its wording
//! is not documented.
//!
//! **Bounds.** An offset larger than the configured maximum (default 24
//! hours, which covers a clock set to local time in any zone) is refused and
//! logged: the clock must be fixed. This bounds what a wrong or hostile
//! `Date` can do: a forged rejection can make the client sign at most that
//! far from its own clock, and only once per call, and a request signed
//! for another time is only refused. A `Date` that agrees with the time
//! already used (within 2 s) is not a reason to re-sign: the same timestamp
//! would be refused again. Only the IMF-fixdate form of `Date` is read
//! (`Sun, 06 Nov 1994 08:49:37 GMT`, the one servers must send); anything
//! else is ignored.
//!
//! **Resolution.** `Date` has whole seconds and is stamped somewhere between
//! the request's arrival and the answer's departure, so the learned offset
//! is within a second or two plus the round trip of the truth: far inside
//! the five-minute window.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The default bound on a correction: a day covers a clock set to local
/// time in any zone (UTC-12 to UTC+14) with room for drift.
pub const DEFAULT_MAX_CLOCK_CORRECTION: Duration = Duration::from_secs(24 * 3600);

/// A `Date` this close to the time already used is no reason to re-sign.
const AGREES: u64 = 2;

/// This machine's clock, in Unix seconds.
pub(crate) fn local_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The offset shared by a client and its clones.
#[derive(Debug)]
pub(crate) struct Clock {
    /// The service's clock minus ours, in seconds.
    offset: AtomicI64,
    /// The largest correction accepted, in seconds (0: no correction).
    max: u64,
}

/// What an answer's `Date` taught.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Learned {
    /// The offset is now `to`: re-sign.
    Corrected { from: i64, to: i64 },
    /// Correction is turned off.
    Disabled,
    /// No `Date`, or not one this client reads.
    NoDate,
    /// The `Date` agrees with the time used: re-signing would not help.
    Agrees { offset: i64 },
    /// The offset is beyond the bound.
    TooLarge { offset: i64 },
}

impl Clock {
    pub(crate) fn new(max: Duration) -> Self {
        Clock {
            offset: AtomicI64::new(0),
            max: max.as_secs(),
        }
    }

    /// The largest correction, in seconds (0: off).
    pub(crate) fn max_secs(&self) -> u64 {
        self.max
    }

    /// The current offset, in seconds.
    pub(crate) fn offset(&self) -> i64 {
        self.offset.load(Ordering::Relaxed)
    }

    /// Learns from an answer that refused the time a request was signed
    /// with (`used`: the offset that request was signed with). `received`
    /// is this machine's clock when the answer's head arrived.
    pub(crate) fn learn_from_rejection(
        &self,
        date: Option<&str>,
        received: u64,
        used: i64,
    ) -> Learned {
        if self.max == 0 {
            return Learned::Disabled;
        }
        let Some(service) = date.and_then(parse_http_date) else {
            return Learned::NoDate;
        };
        let offset = i128::from(service) - i128::from(received);
        let Ok(offset) = i64::try_from(offset) else {
            return Learned::TooLarge { offset: i64::MAX };
        };
        if offset.unsigned_abs() > self.max {
            return Learned::TooLarge { offset };
        }
        if offset.abs_diff(used) <= AGREES {
            return Learned::Agrees { offset };
        }
        let from = self.offset.swap(offset, Ordering::Relaxed);
        Learned::Corrected { from, to: offset }
    }
}

/// Unix seconds of an HTTP `Date` in IMF-fixdate form
/// (`Sun, 06 Nov 1994 08:49:37 GMT`); `None` for anything else, a weekday
/// that does not match the date included.
pub(crate) fn parse_http_date(s: &str) -> Option<u64> {
    let b = s.trim().as_bytes();
    if b.len() != 29
        || &b[3..5] != b", "
        || b[7] != b' '
        || b[11] != b' '
        || b[16] != b' '
        || &b[25..] != b" GMT"
    {
        return None;
    }
    let text = |r: std::ops::Range<usize>| std::str::from_utf8(&b[r]).ok();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !digits(5..7) || !digits(12..16) {
        return None;
    }
    let month = MONTHS.iter().position(|m| Some(*m) == text(8..11))? + 1;
    let date = format!("{}-{month:02}-{}", text(12..16)?, text(5..7)?);
    let time = text(17..25)?;
    if time.len() != 8
        || !time.bytes().enumerate().all(|(i, c)| match i {
            2 | 5 => c == b':',
            _ => c.is_ascii_digit(),
        })
    {
        return None;
    }
    let parts = crate::time::parts(&date, time, Some(0))?;
    let secs = u64::try_from(crate::time::unix_seconds(&parts)?).ok()?;
    (text(0..3)? == weekday(secs)).then_some(secs)
}

/// An HTTP `Date` (IMF-fixdate) for Unix seconds.
#[cfg(test)]
pub(crate) fn format_http_date(secs: u64) -> String {
    let (y, m, d) = crate::calendar::civil(secs);
    let month = MONTHS
        .get((m as usize).saturating_sub(1))
        .copied()
        .unwrap_or("Jan");
    let t = secs % 86_400;
    format!(
        "{}, {d:02} {month} {y:04} {:02}:{:02}:{:02} GMT",
        weekday(secs),
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn weekday(secs: u64) -> &'static str {
    // 1970-01-01 was a Thursday.
    ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(secs / 86_400 % 7) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_round_trip() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            format_http_date(784_111_777),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            format_http_date(1_724_142_147),
            "Tue, 20 Aug 2024 08:22:27 GMT"
        );
        for secs in [0, 1, 59, 86_399, 951_782_400, 1_709_164_800, 4_102_444_799] {
            assert_eq!(parse_http_date(&format_http_date(secs)), Some(secs));
        }
    }

    #[test]
    fn other_dates_are_not_read() {
        for bad in [
            "",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Mon, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Sun, 06 Xyz 1994 08:49:37 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT",
            "Thu, 01 Jan 1969 23:59:59 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT and more",
            "Sun, 06 Nov 1994 08:4é:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn corrections_are_bounded() {
        let clock = Clock::new(DEFAULT_MAX_CLOCK_CORRECTION);
        let now = 1_724_142_147;
        let date = |secs: u64| format_http_date(secs);
        assert_eq!(
            clock.learn_from_rejection(Some(&date(now + 600)), now, 0),
            Learned::Corrected { from: 0, to: 600 }
        );
        assert_eq!(clock.offset(), 600);
        assert_eq!(
            clock.learn_from_rejection(Some(&date(now + 601)), now, 600),
            Learned::Agrees { offset: 601 }
        );
        assert_eq!(
            clock.learn_from_rejection(Some(&date(now + 2 * 86_400)), now, 600),
            Learned::TooLarge { offset: 2 * 86_400 }
        );
        assert_eq!(
            clock.learn_from_rejection(Some(&date(0)), now, 600),
            Learned::TooLarge {
                offset: -(now as i64)
            }
        );
        assert_eq!(
            clock.learn_from_rejection(Some("yesterday"), now, 600),
            Learned::NoDate
        );
        assert_eq!(clock.learn_from_rejection(None, now, 600), Learned::NoDate);
        assert_eq!(clock.offset(), 600, "refused dates change nothing");
        assert_eq!(
            clock.learn_from_rejection(Some(&date(now - 300)), now, 600),
            Learned::Corrected {
                from: 600,
                to: -300
            }
        );
        let off = Clock::new(Duration::ZERO);
        assert_eq!(
            off.learn_from_rejection(Some(&date(now + 600)), now, 0),
            Learned::Disabled
        );
        assert_eq!(off.offset(), 0);
    }
}
