//! Typed async client for Tencent Cloud's TCSAS (SuperApp as a Service)
//! API, version 2025-01-06: TCMPP's successor.
//!
//! ```no_run
//! use tcsas_api::Client;
//! use tcsas_api::actions::create_mnp_version::CreateMnpVersionErrorKind as Kind;
//! use tcsas_api::models::MnpVersionType;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // Credentials come from the default chain: TENCENTCLOUD_SECRET_ID and
//! // TENCENTCLOUD_SECRET_KEY, ~/.tencentcloud/credentials, or the CVM role.
//! let client = Client::builder().region("ap-singapore").build()?;
//!
//! // Required members are checked at compile time: `send` exists only once
//! // all five are set; the rest are optional.
//! let result = client
//!     .create_mnp_version()
//!     .mnp_id("mpekj3ynsy0x4b9d")
//!     .mnp_version("1.0.19")
//!     .file_url("https://example.com/build/app.zip")
//!     .platform_id("T08123WM5791733VNCZ")
//!     .mnp_version_intro("first build")
//!     .version_type(MnpVersionType::Debug)
//!     .send()
//!     .await;
//! match result {
//!     Ok(output) => {
//!         let task = output.data.and_then(|d| d.task_id);
//!         println!("compiling: task {task:?}");
//!     }
//!     Err(e) if e.as_service_error().is_some_and(|s| s.kind() == Kind::InvalidParameterValueInvalidMnpVersion) => {
//!         eprintln!("that version number is taken (request id {:?})", e.request_id());
//!     }
//!     Err(e) => return Err(e.into()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Everything here is generated from `spec/tcsas.json` by
//! `cargo xtask codegen`: [`Client`] (one method per action), the
//! [`actions`] (one module each: input, builder, output, error), the
//! [`models`] they use, and [`TcsasError`], the error of every action
//! without codes of its own. The rest (credentials, signing, the execute
//! path, retries, rate limits, errors) is the runtime shared by every
//! Tencent Cloud service crate, `tencentcloud-runtime`; what a user needs
//! of it is re-exported here ([`config`], [`credentials`], [`error`],
//! [`time`], [`SdkError`], [`RetryConfig`], …), so this is the one
//! dependency to add. This crate does not depend on `tcmpp-api`: a user
//! of one service compiles only that service.
//!
//! Each call runs in a `tencentcloud.call` tracing span (`service = "tcsas"`)
//! with the action, region, attempt, request id, latency and outcome.
//!
//! For tests, `tencentcloud-mock` (feature `tcsas`) runs a TCSAS server on
//! 127.0.0.1 that verifies requests like the service (`tcmpp serve` serves
//! TCSAS and TCMPP on one port).

#[rustfmt::skip] // formatted by the generator (prettyplease); `cargo xtask codegen --check` guards it
mod generated;

pub use generated::*;

// The README's examples are compiled as doctests by `tcmpp-tests`
// (tests/src/lib.rs), as tcmpp-api's are: one uses the test server.
