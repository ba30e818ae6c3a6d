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

use std::fmt;

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
    fn dates_and_wire_form() {
        assert_eq!(Date::from("2024-08-20").parts(), Some((2024, 8, 20)));
        assert_eq!(Date::from("2024-8-20x").parts(), None);
        let v = serde_json::to_string(&Date::from("2024-08-20")).unwrap();
        assert_eq!(v, "\"2024-08-20\"");
        assert_eq!(DateTime::from("x").to_string(), "x");
    }
}
