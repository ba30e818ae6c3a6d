//! Support for the generated typestate builders.
//!
//! A builder's required members start as `unset::Member` marker types; a
//! setter replaces the marker with the value. `build` requires every state to
//! be [`IsSet`], so a forgotten member is a compile error naming its marker:
//! ``the trait bound `unset::InstanceName: IsSet<String>` is not satisfied``.

/// A required member's state once it holds a value.
#[diagnostic::on_unimplemented(
    message = "a required member is not set: `{Self}` marks it",
    label = "call the setter named by this marker before `build`"
)]
pub trait IsSet<T> {
    /// The value.
    fn into_value(self) -> T;
}

impl<T> IsSet<T> for T {
    fn into_value(self) -> T {
        self
    }
}
