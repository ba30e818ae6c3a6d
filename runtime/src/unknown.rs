//! The opaque value inside a value set's `Unknown` variant.

/// A value the service sent that its value set does not document (yet),
/// kept exactly as sent: a `String` for string-valued sets, an `i64` for
/// integer-valued ones.
///
/// A generated value set is an enum of the documented values plus
/// `Unknown(UnknownValue<_>)`. The raw value is read through the enum, never
/// through this type: `as_str()` on a string-valued set, `as_i64()` on an
/// integer-valued one (and `Display`, and serialization, which give back the
/// wire value). Beyond `Clone`, `Debug`, `Eq` and `Hash`, nothing can be
/// done with it: it has no public field and no public constructor (generated
/// code makes it through `__private`, which is not API), so code cannot build
/// an `Unknown` or match one by its value. That is deliberate: a value that is unknown today gets a
/// variant of its own the day Tencent documents it, and from then on decodes
/// to that variant; an arm matching `Unknown(5)` would silently stop
/// matching. Match `Unknown(_)` for "anything else", or compare
/// `as_i64()`/`as_str()` with the raw value when you must; to make a value,
/// use the enum's `From<i64>`/`From<&str>`/`From<String>`, which gives the
/// named variant for a documented value, so a documented value never
/// compares equal to an `Unknown`.
///
/// One type generic over the raw value rather than one type per kind: the
/// raw type shows in the variant's signature, and `UnknownValue<i64>` is
/// `Copy` like the integer-valued sets that hold it.
///
/// It cannot be constructed:
///
/// ```compile_fail,E0423
/// use tencentcloud_runtime::UnknownValue;
/// let v: UnknownValue<i64> = UnknownValue(5);
/// ```
///
/// nor destructured:
///
/// ```compile_fail,E0532
/// use tencentcloud_runtime::UnknownValue;
/// fn raw(v: UnknownValue<String>) -> String {
///     let UnknownValue(raw) = v;
///     raw
/// }
/// ```
///
/// nor read:
///
/// ```compile_fail,E0616
/// use tencentcloud_runtime::UnknownValue;
/// fn raw(v: &UnknownValue<i64>) -> i64 {
///     v.0
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UnknownValue<T>(T);

/// Keeps `raw` as an unknown value (for generated code).
pub fn unknown<T>(raw: T) -> UnknownValue<T> {
    UnknownValue(raw)
}

/// The raw value of an unknown value (for generated code).
pub fn raw<T>(v: &UnknownValue<T>) -> &T {
    &v.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_raw_value() {
        assert_eq!(raw(&unknown(5_i64)), &5);
        assert_eq!(raw(&unknown("Canary".to_owned())), "Canary");
        assert_eq!(unknown(5_i64), unknown(5_i64));
        assert_ne!(unknown(5_i64), unknown(6_i64));
    }
}
