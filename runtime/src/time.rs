//! Date and time members, as Tencent sends them.
//!
//! Tencent's descriptions type these members `datetime`
//! (`2006-01-02 15:04:05`, no time zone), `datetime_iso`
//! (`2006-01-02T15:04:05Z` or with an offset) and `date` (`2006-01-02`).
//! They are kept exactly as received, in types that say what they are: a
//! `datetime` names no zone (Tencent's services mostly mean UTC+8, but the
//! descriptions do not say), so turning it into an instant is the caller's
//! decision. The accessors parse the parts without a date-time crate in
//! every user's build; convert to `chrono`, `time` or `jiff` from them.
//!
//! Many members carry an instant as a whole number of seconds since the
//! Unix epoch instead (`1717575381`), as an integer or as its digits in a
//! string; the spec types those `unix_seconds` and they become
//! [`UnixSeconds`], which names its zone (UTC) and so converts to an
//! instant without a guess.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserializer, Serialize, Serializer};

use crate::lenient::Lenient;

/// Calendar date and wall-clock time, as parsed from a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub struct Parts {
    /// Year, e.g. 2024.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
    /// Hour, 0 to 23.
    pub hour: u8,
    /// Minute, 0 to 59.
    pub minute: u8,
    /// Second, 0 to 60 (a leap second).
    pub second: u8,
    /// Offset from UTC in seconds, when the text gives one (`Z` is 0).
    pub offset_seconds: Option<i32>,
}

macro_rules! time_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// The text as sent.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text as sent, by value.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl Lenient for $name {
            fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize_lenient(d).map($name)
            }
        }
    };
}

time_type!(
    /// A `datetime` member: `2006-01-02 15:04:05`, in a zone the service
    /// does not name.
    DateTime
);
time_type!(
    /// A `datetime_iso` member: ISO 8601, `2006-01-02T15:04:05Z` or with an
    /// offset such as `+08:00`.
    DateTimeIso
);
time_type!(
    /// A `date` member: `2006-01-02`.
    Date
);

impl DateTime {
    /// The date and time, if the text has the documented form (no offset).
    pub fn parts(&self) -> Option<Parts> {
        let (date, time) = self.0.trim().split_once(' ')?;
        parts(date, time, None)
    }
}

impl DateTimeIso {
    /// The date, time and offset, if the text is ISO 8601 with seconds.
    pub fn parts(&self) -> Option<Parts> {
        let (date, rest) = self.0.trim().split_once(['T', 't', ' '])?;
        let (time, offset) = if let Some(t) = rest.strip_suffix(['Z', 'z']) {
            (t, Some(0))
        } else if let Some(i) = rest.rfind(['+', '-']) {
            let (t, o) = rest.split_at(i);
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let (h, m) = o[1..].split_once(':').unwrap_or((&o[1..], "0"));
            let seconds = number(h, 0, 23)? * 3600 + number(m, 0, 59)? * 60;
            (t, Some(sign * seconds as i32))
        } else {
            (rest, None)
        };
        parts(date, time, offset)
    }

    /// Seconds since the Unix epoch, when the text has an offset.
    pub fn unix_seconds(&self) -> Option<i64> {
        let p = self.parts()?;
        Some(unix_seconds(&p)? - i64::from(p.offset_seconds?))
    }
}

impl Date {
    /// Year, month and day, if the text is `YYYY-MM-DD`.
    pub fn parts(&self) -> Option<(i32, u8, u8)> {
        let p = parts(self.0.trim(), "00:00:00", None)?;
        Some((p.year, p.month, p.day))
    }
}

/// A `unix_seconds` member: an instant as whole seconds since
/// 1970-01-01T00:00:00Z, as the service sends it (an integer, or its digits
/// in a string: both decode, and it is sent as an integer).
///
/// ```
/// use tencentcloud_runtime::time::UnixSeconds;
///
/// let t = UnixSeconds::from(1_724_134_243);
/// let p = t.parts().unwrap();
/// assert_eq!((p.year, p.month, p.day, p.hour), (2024, 8, 20, 6));
/// assert_eq!(t.to_string(), "2024-08-20T06:10:43Z");
/// assert_eq!(t.as_i64(), 1_724_134_243);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixSeconds(i64);

impl UnixSeconds {
    /// The instant `seconds` after the Unix epoch (before it when negative).
    pub const fn new(seconds: i64) -> Self {
        UnixSeconds(seconds)
    }

    /// Seconds since the Unix epoch, as sent.
    pub const fn as_i64(self) -> i64 {
        self.0
    }

    /// The date and time in UTC (`offset_seconds` is `Some(0)`), for
    /// instants from 1970 to the year 9999; `None` outside them.
    pub fn parts(self) -> Option<Parts> {
        let secs = u64::try_from(self.0).ok()?;
        let (year, month, day) = crate::calendar::civil(secs);
        if year > 9999 {
            return None;
        }
        let in_day = secs % 86_400;
        Some(Parts {
            year: year as i32,
            month: month as u8,
            day: day as u8,
            hour: (in_day / 3600) as u8,
            minute: (in_day % 3600 / 60) as u8,
            second: (in_day % 60) as u8,
            offset_seconds: Some(0),
        })
    }

    /// The instant as a [`SystemTime`].
    pub fn to_system_time(self) -> SystemTime {
        let magnitude = Duration::from_secs(self.0.unsigned_abs());
        if self.0 >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }
}

impl From<i64> for UnixSeconds {
    fn from(seconds: i64) -> Self {
        UnixSeconds(seconds)
    }
}

impl From<UnixSeconds> for i64 {
    fn from(t: UnixSeconds) -> Self {
        t.0
    }
}

/// RFC 3339 in UTC (`2024-08-20T06:10:43Z`); the number of seconds for an
/// instant outside 1970 to 9999.
impl fmt::Display for UnixSeconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.parts() {
            Some(p) => write!(
                f,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                p.year, p.month, p.day, p.hour, p.minute, p.second
            ),
            None => write!(f, "{}", self.0),
        }
    }
}

impl Serialize for UnixSeconds {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for UnixSeconds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::deserialize_lenient(d)
    }
}

impl Lenient for UnixSeconds {
    /// An integer, or its digits in a string (as the other integers).
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        i64::deserialize_lenient(d).map(UnixSeconds)
    }

    /// As above; `null`, and an empty string (some answers write "no
    /// time" so), are `None`.
    fn deserialize_lenient_option<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        let v = Option::<crate::lenient::IntOrEmpty>::deserialize_lenient(d)?;
        Ok(v.and_then(|v| v.0).map(UnixSeconds))
    }
}

fn number(s: &str, min: u32, max: u32) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = s.parse().ok()?;
    (min..=max).contains(&n).then_some(n)
}

pub(crate) fn parts(date: &str, time: &str, offset_seconds: Option<i32>) -> Option<Parts> {
    let mut d = date.splitn(3, '-');
    let year = number(d.next()?, 0, 9999)? as i32;
    let month = number(d.next()?, 1, 12)? as u8;
    let day = number(d.next()?, 1, crate::calendar::days_in_month(year, month))? as u8;
    // Fractions of a second are allowed and dropped.
    let time = time.split_once('.').map_or(time, |(t, _)| t);
    let mut t = time.splitn(3, ':');
    let hour = number(t.next()?, 0, 23)? as u8;
    let minute = number(t.next()?, 0, 59)? as u8;
    let second = number(t.next()?, 0, 60)? as u8;
    Some(Parts {
        year,
        month,
        day,
        hour,
        minute,
        second,
        offset_seconds,
    })
}

/// Seconds from 1970-01-01T00:00:00 to the parts' wall-clock time.
pub(crate) fn unix_seconds(p: &Parts) -> Option<i64> {
    let days = crate::calendar::days_from_civil(p.year.into(), p.month.into(), p.day.into());
    Some(days * 86_400 + i64::from(p.hour) * 3600 + i64::from(p.minute) * 60 + i64::from(p.second))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_parse_as_documented() {
        let p = DateTime::from("2024-08-20 06:10:43").parts().unwrap();
        assert_eq!(
            (p.year, p.month, p.day, p.hour, p.minute, p.second),
            (2024, 8, 20, 6, 10, 43)
        );
        assert_eq!(p.offset_seconds, None);
        for bad in [
            "",
            "2024-08-20",
            "2024-13-01 00:00:00",
            "2023-02-29 00:00:00",
            "24:00",
            "2024-08-20 24:00:00",
        ] {
            assert_eq!(DateTime::from(bad).parts(), None, "{bad}");
        }
        assert!(DateTime::from("2024-02-29 23:59:60").parts().is_some());
    }

    #[test]
    fn iso_datetimes_carry_their_offset() {
        let utc = DateTimeIso::from("2024-08-20T06:10:43Z");
        assert_eq!(utc.parts().unwrap().offset_seconds, Some(0));
        assert_eq!(utc.unix_seconds(), Some(1_724_134_243));
        let cst = DateTimeIso::from("2024-08-20T14:10:43+08:00");
        assert_eq!(cst.unix_seconds(), Some(1_724_134_243));
        let frac = DateTimeIso::from("1970-01-01T00:00:01.5-01:00");
        assert_eq!(frac.unix_seconds(), Some(3601));
        assert_eq!(
            DateTimeIso::from("2024-08-20T06:10:43").unix_seconds(),
            None
        );
        assert_eq!(DateTimeIso::from("nonsense").parts(), None);
    }

    #[test]
    fn unix_seconds_are_utc_and_an_integer_on_the_wire() {
        let t = UnixSeconds::from(1_724_134_243);
        assert_eq!(t.parts(), DateTimeIso::from("2024-08-20T06:10:43Z").parts());
        assert_eq!(t.to_string(), "2024-08-20T06:10:43Z");
        assert_eq!(UnixSeconds::new(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(UnixSeconds::new(-1).parts(), None);
        assert_eq!(UnixSeconds::new(-1).to_string(), "-1");
        assert_eq!(
            UnixSeconds::new(-1).to_system_time(),
            UNIX_EPOCH - Duration::from_secs(1)
        );
        assert_eq!(serde_json::to_string(&t).unwrap(), "1724134243");
        // Leap days and the last second of a year.
        let p = UnixSeconds::new(951_868_799).parts().unwrap();
        assert_eq!(
            (p.year, p.month, p.day, p.hour, p.minute, p.second),
            (2000, 2, 29, 23, 59, 59)
        );
        let p = UnixSeconds::new(1_704_067_199).parts().unwrap();
        assert_eq!((p.year, p.month, p.day, p.second), (2023, 12, 31, 59));
        assert_eq!(UnixSeconds::new(253_402_300_800).parts(), None); // year 10000
    }

    #[test]
    fn unix_seconds_decode_tolerantly() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct S {
            #[serde(default, deserialize_with = "crate::lenient::lenient")]
            t: Option<UnixSeconds>,
        }
        let read = |json: &str| serde_json::from_str::<S>(json).map(|s| s.t);
        assert_eq!(
            read(r#"{"t": 1717575381}"#).unwrap(),
            Some(UnixSeconds::new(1_717_575_381))
        );
        assert_eq!(
            read(r#"{"t": "1717575381"}"#).unwrap(),
            Some(UnixSeconds::new(1_717_575_381))
        );
        assert_eq!(
            read(r#"{"t": 1717575381.0}"#).unwrap(),
            Some(UnixSeconds::new(1_717_575_381))
        );
        assert_eq!(read(r#"{"t": ""}"#).unwrap(), None);
        assert_eq!(read(r#"{"t": null}"#).unwrap(), None);
        assert_eq!(read(r#"{}"#).unwrap(), None);
        assert!(read(r#"{"t": "abc"}"#).is_err());
        assert!(read(r#"{"t": 1.5}"#).is_err());
        let plain: UnixSeconds = serde_json::from_str("\"42\"").unwrap();
        assert_eq!(plain.as_i64(), 42);
    }

    #[test]
    fn dates_and_wire_form() {
        assert_eq!(Date::from("2024-08-20").parts(), Some((2024, 8, 20)));
        assert_eq!(Date::from("2024-8-20x").parts(), None);
        let v = serde_json::to_string(&Date::from("2024-08-20")).unwrap();
        assert_eq!(v, "\"2024-08-20\"");
        assert_eq!(DateTime::from("x").to_string(), "x");
    }
}
