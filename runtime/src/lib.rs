//! The runtime under generated Tencent Cloud API 3.0 clients: what every
//! service shares, and nothing any one service owns.
//!
//! A service crate is generated from Tencent's
//! published description of one service: its actions, models and errors,
//! and a `Client` whose methods start each action's request. It hands this
//! crate its facts as data ([`ServiceInfo`]: default host, API version,
//! signing service, client id, the table of its actions) and calls into it
//! for everything else:
//!
//! - [`Client`]: one execute path for every action (serialize, take a
//!   rate-limit slot, sign, send, read a bounded answer, decode), with
//!   retries that never duplicate a write, timeouts, clock-skew correction
//!   and a tracing span per call;
//! - [`ClientBuilder`] and [`config`]: region, endpoint, trust roots,
//!   timeouts, retry and rate-limit settings, checked once at `build`;
//! - [`credentials`]: static, environment, profile file, CVM role and the
//!   default chain;
//! - [`signing`]: TC3-HMAC-SHA256, stage by stage;
//! - [`paginate`] and [`wait`]: an action's pages walked, an action polled
//!   until the work it reports has ended;
//! - [`error`]: [`SdkError`] and its parts, with the action's typed service
//!   error and [`ErrorMetadata`] for the rest;
//! - [`time`], [`builder`], [`operation`], [`UnknownValue`]: what generated
//!   code is made of.
//!
//! Users normally depend on a service crate, which re-exports what they
//! need from here.
//!
//! Each call runs in a `tencentcloud.call` tracing span with the service,
//! action, region, attempt, request id, latency and outcome (and
//! `clock_skew_s` when it signed with a clock corrected to the service's).

pub mod builder;
mod calendar;
mod client;
mod clock;
pub mod config;
pub mod credentials;
mod decode;
pub mod error;
mod error_metadata;
pub mod file;
mod lenient;
pub mod operation;
pub mod paginate;
pub mod rate_limit;
pub mod signing;
pub mod time;
mod tls;
mod unknown;
pub mod wait;

pub use client::Client;
pub use config::{
    ClientBuilder, ConfigError, Language, Overrides, RateLimit, RateLimitScope, RetryConfig,
};
pub use error::{ErrorKind, SdkError};
pub use error_metadata::ErrorMetadata;
pub use operation::{Operation, OperationInfo, ServiceError, ServiceInfo};
/// The reqwest this crate sends with, for
/// [`ClientBuilder::http_client`]: a `reqwest::Client` must come from the
/// same version.
pub use reqwest;
pub use unknown::UnknownValue;

/// Items the generated code uses; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::lenient::{ErrorOr, Fields, Lenient, Seed, fields, lenient, object_or_zero};
    pub use crate::operation::{BodyError, ResponseBody};
    pub use crate::unknown::{raw, unknown};
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
