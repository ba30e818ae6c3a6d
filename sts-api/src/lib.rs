//! Typed async client for Tencent Cloud's STS API, version 2018-08-13.
//!
//! ```no_run
//! use sts_api::Client;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // Credentials come from the default chain: TENCENTCLOUD_SECRET_ID and
//! // TENCENTCLOUD_SECRET_KEY, ~/.tencentcloud/credentials, or the CVM role.
//! let client = Client::builder().region("ap-guangzhou").build()?;
//! let out = client
//!     .assume_role()
//!     .role_arn("qcs::cam::uin/100015158414:roleName/readOnlyRole")
//!     .role_session_name("reports")
//!     .duration_seconds(900_u64)
//!     .send()
//!     .await?;
//! println!("valid until {:?}", out.expired_time);
//! # Ok(())
//! # }
//! ```
//!
//! `AssumeRoleWithWebIdentity` is taken unsigned (the token is the proof):
//! send it through a client built with
//! [`ClientBuilder::unsigned`](tencentcloud_runtime::ClientBuilder::unsigned).
//! To sign other services' calls with a role's temporary credentials,
//! refreshed before they expire, use the providers of the
//! `tencentcloud-credentials` crate (`AssumeRoleProvider`,
//! `WebIdentityProvider`, and the default chain with TKE OIDC) rather than
//! these calls. The outputs hold the temporary secret key and token in
//! public fields, and their `Debug` shows them: do not log them.
//!
//! Everything here is generated from `spec/sts.json` by
//! `cargo xtask codegen`: [`Client`] (one method per action), the
//! [`actions`] (one module each: input, builder, output, error) and the
//! [`models`] they use. The rest (credentials, signing, the execute path,
//! retries, rate limits, errors) is the runtime shared by every Tencent
//! Cloud service crate, `tencentcloud-runtime`; what a user needs of it is
//! re-exported here, so this is the one dependency to add.
//!
//! Each call runs in a `tencentcloud.call` tracing span
//! (`service = "sts"`) with the action, region, attempt, request id,
//! latency and outcome.

#[rustfmt::skip] // formatted by the generator (prettyplease); `cargo xtask codegen --check` guards it
mod generated;

pub use generated::*;
