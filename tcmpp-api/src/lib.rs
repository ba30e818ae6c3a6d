//! Typed async client for Tencent Cloud's TCMPP (mini program platform) API,
//! version 2024-08-01.
//!
//! The action modules ([`describe_mnp_all_stage_versions`],
//! [`create_mnp_version`]) and [`models`] are generated from `spec/tcmpp.json`
//! by `cargo xtask codegen`; the rest of the crate is a small hand-written
//! runtime.
//!
//! ```
//! use tcmpp_api::describe_mnp_all_stage_versions::DescribeMnpAllStageVersionsInput;
//!
//! // Required members are checked at compile time: `build` exists only
//! // once both are set.
//! let input = DescribeMnpAllStageVersionsInput::builder()
//!     .mnp_id("mpg9yjc0qbpkelik")
//!     .platform_id("T04257DS9431720WTAG")
//!     .build();
//! assert_eq!(input.mnp_id(), "mpg9yjc0qbpkelik");
//! ```

// Generated code names runtime items as `::tcmpp_api::...` so that the same
// output also compiles outside this crate (the test suite compiles a fixture).
extern crate self as tcmpp_api;

pub mod builder;
mod error_metadata;
#[rustfmt::skip] // formatted by the generator (prettyplease); `cargo xtask codegen --check` guards it
mod generated;
pub mod lenient;
pub mod operation;

pub use error_metadata::ErrorMetadata;
pub use generated::*;

/// Items the generated code uses; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::lenient::{Lenient, lenient};
    pub use crate::operation::{BodyError, ResponseBody};
    pub use serde;

    use serde::Deserialize;

    /// The `Error` object of an answer.
    #[derive(Deserialize, Debug)]
    pub struct ErrorBody {
        #[serde(rename = "Code", deserialize_with = "lenient")]
        pub code: String,
        #[serde(rename = "Message", default, deserialize_with = "lenient")]
        pub message: Option<String>,
    }

    impl ErrorBody {
        pub fn into_metadata(self, request_id: Option<String>) -> crate::ErrorMetadata {
            let meta = crate::ErrorMetadata::new(self.code, self.message.unwrap_or_default());
            match request_id {
                Some(id) => meta.with_request_id(id),
                None => meta,
            }
        }
    }
}
