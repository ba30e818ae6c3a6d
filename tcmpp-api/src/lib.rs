//! Typed async client for Tencent Cloud's TCMPP (mini program platform) API,
//! version 2024-08-01.
//!
//! ```no_run
//! use tcmpp_api::Client;
//! use tcmpp_api::describe_mnp_all_stage_versions::DescribeMnpAllStageVersionsErrorKind as Kind;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // Credentials come from the default chain: TENCENTCLOUD_SECRET_ID and
//! // TENCENTCLOUD_SECRET_KEY, ~/.tencentcloud/credentials, or the CVM role.
//! let client = Client::builder().region("ap-singapore").build()?;
//!
//! // Required members are checked at compile time: `send` exists only once
//! // both are set.
//! let result = client
//!     .describe_mnp_all_stage_versions()
//!     .mnp_id("mpg9yjc0qbpkelik")
//!     .platform_id("T04257DS9431720WTAG")
//!     .send()
//!     .await;
//! match result {
//!     Ok(output) => {
//!         for v in output.data.unwrap_or_default() {
//!             println!("{:?} {:?} {:?}", v.mnp_version, v.phase, v.approval_status);
//!         }
//!     }
//!     Err(e) if e.as_service_error().is_some_and(|s| s.kind() == Kind::InvalidParameterValueInvalidMnpId) => {
//!         eprintln!("no such mini program (request id {:?})", e.request_id());
//!     }
//!     Err(e) => return Err(e.into()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The action modules ([`describe_mnp_all_stage_versions`],
//! [`create_mnp_version`]) and [`models`] are generated from `spec/tcmpp.json`
//! by `cargo xtask codegen`; the rest of the crate is a small hand-written
//! runtime: [`Client`] (one execute path: serialize, sign, send, decode),
//! [`credentials`], [`signing`] (TC3-HMAC-SHA256) and [`error`].
//!
//! Every call's error is an [`SdkError`] that separates building the request,
//! credentials, transport, timeouts, unusable answers (with status, content
//! type, request id and body) and the action's typed service error. Secrets
//! never appear in `Debug`, `Display` or logs.
//!
//! Each call runs in a `tcmpp.call` tracing span with the action, region,
//! attempt, request id, latency and outcome (and `clock_skew_s` when it
//! signed with a clock corrected to the service's).
//!
//! Beyond the defaults: a clock that is off is corrected from the service's
//! answers ([`ClientBuilder::max_clock_correction`]); private certificate
//! authorities are trusted with [`ClientBuilder::add_root_certificate_pem`];
//! your own `reqwest::Client` is used with [`ClientBuilder::http_client`];
//! one call gets other timeouts, retries or a cap on its rate-limit wait
//! with [`Client::with_overrides`].

// Generated code names runtime items as `::tcmpp_api::...` so that the same
// output also compiles outside this crate (the test suite compiles a fixture).
extern crate self as tcmpp_api;

pub mod builder;
mod client;
mod clock;
pub mod config;
pub mod credentials;
mod decode;
pub mod error;
mod error_metadata;
pub mod file;
mod rate_limit;
#[rustfmt::skip] // formatted by the generator (prettyplease); `cargo xtask codegen --check` guards it
mod generated;
pub mod lenient;
#[cfg(feature = "mock")]
pub mod mock;
pub mod operation;
pub mod signing;
pub mod time;

pub use client::Client;
pub use config::{
    ClientBuilder, ConfigError, Language, Overrides, RateLimit, RateLimitScope, RetryConfig,
};
pub use error::SdkError;
pub use error_metadata::ErrorMetadata;
pub use generated::*;
/// The reqwest this crate sends with, for
/// [`ClientBuilder::http_client`]: a `reqwest::Client` must come from the
/// same version.
pub use reqwest;

/// Items the generated code uses; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::lenient::{Fields, Lenient, Seed, fields, lenient};
    pub use crate::operation::{BodyError, ResponseBody};
    pub use serde;

    /// Decodes an answer as the client does (for fuzzing and benchmarks).
    pub fn decode_response<O: crate::operation::Operation>(
        status: u16,
        content_type: Option<String>,
        body: bytes::Bytes,
    ) -> Result<O::Output, crate::SdkError<O::Error>> {
        crate::decode::decode::<O>(status, content_type, body)
    }

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

/// The crate README's examples, compiled as doctests so they stay true.
#[cfg(all(doctest, feature = "mock"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
