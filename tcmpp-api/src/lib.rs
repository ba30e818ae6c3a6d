//! Typed async client for Tencent Cloud's TCMPP (mini program platform) API,
//! version 2024-08-01.
//!
//! ```no_run
//! use tcmpp_api::Client;
//! use tcmpp_api::actions::describe_mnp_all_stage_versions::DescribeMnpAllStageVersionsErrorKind as Kind;
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
//! Everything here is generated from `spec/tcmpp.json` by
//! `cargo xtask codegen`: [`Client`] (one method per action), the
//! [`actions`] (one module each: input, builder, output, error), the
//! [`models`] they use, and [`TcmppError`], the error of every action
//! without codes of its own. The rest (credentials, signing, the execute
//! path, retries, rate limits, errors) is the runtime shared by every
//! Tencent Cloud service crate, `tencentcloud-runtime`; what a user needs
//! of it is re-exported here ([`config`], [`credentials`], [`error`],
//! [`time`], [`SdkError`], [`RetryConfig`], …), so this is the one
//! dependency to add.
//!
//! Every call's error is an [`SdkError`] that separates building the request,
//! credentials, transport, timeouts, unusable answers (with status, content
//! type, request id and body) and the action's typed service error. Secrets
//! never appear in `Debug`, `Display` or logs.
//!
//! Each call runs in a `tencentcloud.call` tracing span (`service = "tcmpp"`)
//! with the action, region, attempt, request id, latency and outcome.
//!
//! For tests, `tencentcloud-mock` runs a TCMPP server on 127.0.0.1 that
//! verifies requests like the service (`tcmpp serve` is the same server).

#[rustfmt::skip] // formatted by the generator (prettyplease); `cargo xtask codegen --check` guards it
mod generated;

pub use generated::*;

// The README's examples are compiled as doctests by `tcmpp-tests`
// (tests/src/lib.rs): one of them uses the test server, which depends on
// this crate, and a dev-dependency cycle stops `cargo package`.
