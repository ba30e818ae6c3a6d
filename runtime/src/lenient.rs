//! Tolerant decoding of scalars, for servers that drift from their docs.
//!
//! An integer may arrive as `"3"`, a string as `3`, a boolean as `1` or
//! `"true"`; `null` is accepted wherever the field is optional. Everything
//! else is still an error: tolerance never invents a value.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};

/// A type decoded tolerantly. Implemented for the scalars, `Vec`, `Option`,
/// and by the generated models and value sets.
pub trait Lenient: Sized {
    /// Decodes `Self`, accepting the drifts documented in this module.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;

    /// Decodes an optional `Self`: `null` is `None`. Objects override it
    /// to read a zero scalar (`0`, `""`, `false`) as `None` too, the way
    /// some Tencent services write an absent object.
    #[doc(hidden)]
    fn deserialize_lenient_option<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        d.deserialize_option(OptionVisitor(PhantomData))
    }
}

/// For generated objects: an object, or `None` for `null`, absence, or a
/// zero scalar standing for "no object". Any other scalar is an error.
#[doc(hidden)]
pub fn object_or_zero<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    d.deserialize_any(ObjectOrZero(PhantomData))
}

struct ObjectOrZero<T>(PhantomData<T>);

impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for ObjectOrZero<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object, null, or a zero standing for none")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
        d.deserialize_any(self)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        if v == 0 {
            Ok(None)
        } else {
            Err(E::invalid_type(de::Unexpected::Unsigned(v), &self))
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        if v == 0 {
            Ok(None)
        } else {
            Err(E::invalid_type(de::Unexpected::Signed(v), &self))
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            Err(E::invalid_type(de::Unexpected::Bool(v), &self))
        } else {
            Ok(None)
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.is_empty() {
            Ok(None)
        } else {
            Err(E::invalid_type(de::Unexpected::Str(v), &self))
        }
    }
}

impl<T: Lenient> Lenient for Box<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize_lenient(d).map(Box::new)
    }

    fn deserialize_lenient_option<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        T::deserialize_lenient_option(d).map(|o| o.map(Box::new))
    }
}

/// For `#[serde(deserialize_with = "...")]` in generated code.
#[doc(hidden)]
pub fn lenient<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<T, D::Error> {
    T::deserialize_lenient(d)
}

/// 2^53: below it in magnitude every integer is an `f64`, so a whole float
/// there says exactly which integer was sent; above it a float may be a
/// rounded neighbour, so it is refused rather than guessed.
const EXACT_IN_F64: f64 = 9_007_199_254_740_992.0;

macro_rules! integer_visitor {
    ($name:ident, $t:ty, $what:literal) => {
        struct $name;

        impl<'de> Visitor<'de> for $name {
            type Value = $t;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str($what)
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<$t, E> {
                <$t>::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<$t, E> {
                <$t>::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<$t, E> {
                // A whole float is what was meant, if it is exact: the range
                // check compares integers, never a rounded `MAX as f64`.
                let whole = v.fract() == 0.0 && v.abs() < EXACT_IN_F64;
                match whole.then(|| <$t>::try_from(v as i64).ok()).flatten() {
                    Some(n) => Ok(n),
                    None => Err(E::invalid_value(de::Unexpected::Float(v), &self)),
                }
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<$t, E> {
                v.trim()
                    .parse::<$t>()
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }

        impl Lenient for $t {
            fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any($name)
            }
        }
    };
}

integer_visitor!(I64Visitor, i64, "a 64-bit integer, or a string holding one");
integer_visitor!(
    U64Visitor,
    u64,
    "an unsigned 64-bit integer, or a string holding one"
);

/// An integer as `i64` reads one, or `None` for an empty string: how some
/// answers write "no time" in a `unix_seconds` member.
pub(crate) struct IntOrEmpty(pub(crate) Option<i64>);

struct IntOrEmptyVisitor;

impl<'de> Visitor<'de> for IntOrEmptyVisitor {
    type Value = IntOrEmpty;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a 64-bit integer, a string holding one, or an empty string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntOrEmpty, E> {
        I64Visitor.visit_i64(v).map(|n| IntOrEmpty(Some(n)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntOrEmpty, E> {
        I64Visitor.visit_u64(v).map(|n| IntOrEmpty(Some(n)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<IntOrEmpty, E> {
        I64Visitor.visit_f64(v).map(|n| IntOrEmpty(Some(n)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<IntOrEmpty, E> {
        if v.trim().is_empty() {
            return Ok(IntOrEmpty(None));
        }
        I64Visitor.visit_str(v).map(|n| IntOrEmpty(Some(n)))
    }
}

impl Lenient for IntOrEmpty {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IntOrEmptyVisitor)
    }
}

struct F64Visitor;

impl<'de> Visitor<'de> for F64Visitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, or a string holding one")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

impl Lenient for f64 {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(F64Visitor)
    }
}

struct BoolVisitor;

impl<'de> Visitor<'de> for BoolVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean, 0 or 1, or \"true\" or \"false\"")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        match v.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

impl Lenient for bool {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BoolVisitor)
    }
}

struct StringVisitor;

impl<'de> Visitor<'de> for StringVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, or a number standing for one")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

impl Lenient for String {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StringVisitor)
    }
}

struct OptionVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for OptionVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        T::deserialize_lenient(d).map(Some)
    }
}

impl<T: Lenient> Lenient for Option<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize_lenient_option(d)
    }
}

/// Decodes a `T` tolerantly where serde takes a seed
/// (`MapAccess::next_value_seed`).
#[doc(hidden)]
pub struct Seed<T>(PhantomData<T>);

impl<T> Seed<T> {
    /// A seed for `T`.
    pub fn new() -> Self {
        Seed(PhantomData)
    }
}

impl<T> Default for Seed<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: Lenient> DeserializeSeed<'de> for Seed<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::deserialize_lenient(d)
    }
}

struct VecVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for VecVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        // Cap the pre-allocation: the hint comes from the peer.
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element_seed(Seed(PhantomData))? {
            out.push(item);
        }
        Ok(out)
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(VecVisitor(PhantomData))
    }
}

/// The `Error` key of an answer whose response also has a member named
/// `Error`: the envelope's error when it looks like one (an object with a
/// non-empty string `Code`, as Tencent's SDKs decide), else the member.
#[doc(hidden)]
#[derive(Debug)]
pub enum ErrorOr<T> {
    /// The service's error.
    Service(crate::__private::ErrorBody),
    /// The member's value; `None` when absent or null.
    Member(Option<T>),
}

impl<T> Default for ErrorOr<T> {
    fn default() -> Self {
        ErrorOr::Member(None)
    }
}

impl<T: Lenient> Lenient for ErrorOr<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Buffered, since the shape decides: only actions with such a member pay.
        let v = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
        let code = v.get("Code").and_then(serde_json::Value::as_str);
        if code.is_some_and(|c| !c.is_empty()) {
            serde::Deserialize::deserialize(v)
                .map(ErrorOr::Service)
                .map_err(de::Error::custom)
        } else {
            Option::<T>::deserialize_lenient(v)
                .map(ErrorOr::Member)
                .map_err(de::Error::custom)
        }
    }
}

/// A struct decoded from a JSON object member by member: what generated
/// answer types implement instead of deriving `Deserialize`, whose visitor
/// (sequences, field enums, duplicate checks) is most of their compiled
/// code. Members start from `Default`; unknown keys are skipped; a repeated
/// key keeps its last value.
#[doc(hidden)]
pub trait Fields: Default {
    /// Decodes the value of `key` into its member; `false` for an unknown
    /// key (whose value the caller skips).
    fn field<'de, A: de::MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error>;
}

/// `Deserialize::deserialize` for a [`Fields`] type.
#[doc(hidden)]
pub fn fields<'de, D: Deserializer<'de>, T: Fields>(d: D) -> Result<T, D::Error> {
    d.deserialize_map(FieldsVisitor(PhantomData))
}

struct FieldsVisitor<T>(PhantomData<T>);

impl<'de, T: Fields> Visitor<'de> for FieldsVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut out = T::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if !out.field(key.as_str(), &mut map)? {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(out)
    }
}

/// An object key, borrowed from the input when it can be.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    struct Probe<T: Lenient> {
        #[serde(deserialize_with = "lenient")]
        v: T,
    }

    fn de<T: Lenient + fmt::Debug>(json: &str) -> Result<T, serde_json::Error> {
        serde_json::from_str::<Probe<T>>(&format!("{{\"v\":{json}}}")).map(|p| p.v)
    }

    #[test]
    fn integers_accept_strings_of_digits_and_whole_floats() {
        assert_eq!(de::<i64>("3").unwrap(), 3);
        assert_eq!(de::<i64>("\"3\"").unwrap(), 3);
        assert_eq!(de::<i64>("\" -42 \"").unwrap(), -42);
        assert_eq!(de::<i64>("3.0").unwrap(), 3);
        assert!(de::<i64>("3.5").is_err());
        assert!(de::<i64>("\"3a\"").is_err());
        assert!(de::<i64>("true").is_err());
        assert!(de::<u64>("-1").is_err());
        assert_eq!(de::<u64>("\"18446744073709551615\"").unwrap(), u64::MAX);
        assert!(de::<i64>("1e300").is_err());
    }

    #[test]
    fn integer_bounds_are_exact() {
        // i64: the ends are accepted, one past them refused, whatever the form.
        assert_eq!(de::<i64>("9223372036854775807").unwrap(), i64::MAX);
        assert_eq!(de::<i64>("-9223372036854775808").unwrap(), i64::MIN);
        assert_eq!(de::<i64>("\"9223372036854775807\"").unwrap(), i64::MAX);
        assert!(de::<i64>("9223372036854775808").is_err());
        assert!(de::<i64>("\"9223372036854775808\"").is_err());
        assert!(de::<i64>("-9223372036854775809").is_err());
        assert!(de::<i64>("\"-9223372036854775809\"").is_err());
        // 2^63 as a float used to saturate to i64::MAX.
        assert!(de::<i64>("9.223372036854776e18").is_err());
        assert!(de::<i64>("-9.223372036854776e18").is_err());
        // u64: its maximum, not one more; nothing negative.
        assert_eq!(de::<u64>("18446744073709551615").unwrap(), u64::MAX);
        assert!(de::<u64>("18446744073709551616").is_err());
        assert!(de::<u64>("\"18446744073709551616\"").is_err());
        assert!(de::<u64>("1.8446744073709552e19").is_err());
        assert!(de::<u64>("-1").is_err());
        assert!(de::<u64>("\"-1\"").is_err());
        assert!(de::<u64>("-1.0").is_err());
        assert_eq!(de::<u64>("-0.0").unwrap(), 0);
    }

    #[test]
    fn whole_floats_are_integers_only_where_exact() {
        assert_eq!(de::<i64>("9.007199254740991e15").unwrap(), (1 << 53) - 1);
        assert_eq!(de::<i64>("-9.007199254740991e15").unwrap(), 1 - (1 << 53));
        assert_eq!(de::<u64>("1e15").unwrap(), 1_000_000_000_000_000);
        // From 2^53 on, a float may stand for a neighbour of what was sent.
        assert!(de::<i64>("9007199254740993.0").is_err());
        assert!(de::<u64>("1e18").is_err());
        assert!(de::<i64>("2.5").is_err());
        assert!(de::<u64>("\"3.0\"").is_err());
        assert!(de::<i64>("\"NaN\"").is_err());
    }

    #[test]
    fn error_or_member_decides_by_shape() {
        match de::<ErrorOr<String>>(r#"{"Code":"InternalError","Message":"m"}"#).unwrap() {
            ErrorOr::Service(e) => assert_eq!(e.code, "InternalError"),
            other => panic!("{other:?}"),
        }
        match de::<ErrorOr<String>>("\"disk full\"").unwrap() {
            ErrorOr::Member(m) => assert_eq!(m.as_deref(), Some("disk full")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            de::<ErrorOr<String>>("null").unwrap(),
            ErrorOr::Member(None)
        ));
        assert!(matches!(
            de::<ErrorOr<i64>>("\"7\"").unwrap(),
            ErrorOr::Member(Some(7))
        ));
        // An object without a code is the member's, and must fit its type.
        assert!(de::<ErrorOr<String>>(r#"{"Code":""}"#).is_err());
    }

    #[test]
    fn strings_accept_numbers() {
        assert_eq!(de::<String>("\"x\"").unwrap(), "x");
        assert_eq!(de::<String>("1724142147").unwrap(), "1724142147");
        assert!(de::<String>("[]").is_err());
    }

    #[test]
    fn bools_and_floats() {
        assert!(de::<bool>("1").unwrap());
        assert!(!de::<bool>("\"false\"").unwrap());
        assert!(de::<bool>("2").is_err());
        assert_eq!(de::<f64>("\"1.5\"").unwrap(), 1.5);
        assert!(de::<f64>("\"NaN\"").is_err());
    }

    #[test]
    fn options_and_lists() {
        assert_eq!(de::<Option<i64>>("null").unwrap(), None);
        assert_eq!(de::<Option<i64>>("\"7\"").unwrap(), Some(7));
        assert_eq!(de::<Vec<i64>>("[1,\"2\"]").unwrap(), vec![1, 2]);
        assert!(de::<Vec<i64>>("null").is_err());
        assert_eq!(de::<Option<Vec<String>>>("null").unwrap(), None);
    }
}
