//! A local Tencent Cloud for tests: real HTTP on 127.0.0.1 that checks
//! signatures (TC3-HMAC-SHA256 over `POST` with JSON or `GET` with the
//! query string; v1 `HmacSHA1`/`HmacSHA256` over `GET` or form-encoded
//! `POST`), the timestamp window, the version, the action and the
//! parameters, answers with the service's error codes, keeps state for the
//! services' resource families, logs what each call sent, and can be told
//! to misbehave or to answer as a test scripts it.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use tencentcloud_mock::{Fault, MockServer};
//!
//! let mock = MockServer::start().await?;
//! let client = tcmpp_api::Client::builder()
//!     .region("ap-singapore")
//!     .endpoint(mock.endpoint())
//!     .credentials(mock.credentials())
//!     .build()?;
//! mock.inject(Fault::error("FailedOperation.PackageAlreadyExpired", "plan expired"), 1);
//! let err = client
//!     .describe_mnp_all_stage_versions()
//!     .mnp_id("mpg9yjc0qbpkelik")
//!     .platform_id("T04257DS9431720WTAG")
//!     .send()
//!     .await
//!     .unwrap_err();
//! assert_eq!(err.code(), Some("FailedOperation.PackageAlreadyExpired"));
//! # Ok(()) }
//! ```
//!
//! It serves one or several services on one port, each from the
//! operations table its generated crate carries (`SERVICE`):
//! [`MockServer::start`] and [`MockServer::builder`] serve those the
//! features select, TCMPP (feature `tcmpp`, default) and TCSAS (feature
//! `tcsas`); [`MockServerBuilder::new`] serves any generated service
//! alone, [`MockServerBuilder::service`] adds one. Each action's parameters
//! are checked against its service's table; the resource families' actions
//! keep state (below), every other action answers with its example;
//! `DescribeMNPAllStageVersions` and `CreateMNPVersion` of TCMPP and of
//! TCSAS keep versions, in a store per service seeded from that service's
//! examples (TCSAS's `CreateMNPVersion` also checks the five members only
//! it takes: `VersionType` 1 or 2, `CompileCondition`, `CompileConfig`,
//! `PipelineId`, `FileInnerUrl`).
//!
//! With STS (feature `sts`, or `.service(sts_api::SERVICE)`) it issues
//! temporary keys: `AssumeRole` (signed) and `AssumeRoleWithWebIdentity`
//! (unsigned, `Authorization: SKIP`, its token one set with
//! [`MockServerBuilder::web_identity_token`]) answer new keys that every
//! service it serves accepts with their token until their `ExpiredTime`
//! (then `AuthFailure.TokenFailure`). `DurationSeconds` must be 900 to
//! 43,200 unless [`MockServerBuilder::sts_min_duration`] relaxes the
//! minimum for a test; at most [`MockServerBuilder::max_issued_keys`] are
//! kept; [`MockServer::issued_keys`] lists them, without their secrets.
//!
//! # Resource families
//!
//! Each service's resources are declared in a small table per service
//! ([`families`]: `mock/src/families/tcmpp.rs`, `tcsas.rs`), one row per
//! family (TCMPP's teams, team members, users, applications, mini
//! programs, domains, approvals...; 16 for TCMPP, 20 for TCSAS): its id
//! member, its parent members, and which actions create, list, describe,
//! modify and delete it. A generic engine does the rest from the
//! operations table and the examples, with a store per family and
//! service, seeded with the resources the examples name:
//!
//! - a create stores the request's members and answers its example with
//!   a new id where the create's answer puts it (`Data.ResourceId`);
//! - a list keeps the items whose parents match the request's (an empty
//!   `TeamId` lists every team's), pages them by `Offset`/`Limit` with the
//!   true `TotalCount`, each item shaped like the example's (stored members
//!   overlaid, zero values for the rest), so the typed clients decode them;
//! - a describe answers its example's shape with the stored members, a
//!   modify stores the request's members, a delete removes the item; an
//!   unknown id is the row's documented "not found" code
//!   (`InvalidParameterValue.InvalidTeamId`, `FailedOperation.RecordNotFound`);
//! - every paginated action of no family pages over a collection, its
//!   example's items until a test replaces them with
//!   [`MockServer::seed_items`] (which also seeds a family through its list);
//! - every other action answers its example, whatever the request says.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use tencentcloud_mock::MockServer;
//!
//! let mock = MockServer::start().await?;
//! let client = tcmpp_api::Client::builder()
//!     .region("ap-singapore")
//!     .endpoint(mock.endpoint())
//!     .credentials(mock.credentials())
//!     .build()?;
//! let created = client
//!     .create_user()
//!     .user_account("ada")
//!     .user_name("Ada")
//!     .account_type(3)
//!     .password("secret")
//!     .key_id("key")
//!     .platform_id("T04257DS9431720WTAG")
//!     .send()
//!     .await?;
//! let id = created.data.and_then(|d| d.resource_id).unwrap_or_default();
//! let user = client.describe_user().user_id(&id).platform_id("T04257DS9431720WTAG").send().await?;
//! assert_eq!(user.data.and_then(|d| d.user_name).as_deref(), Some("Ada"));
//! client.delete_user().user_id(&id).platform_id("T04257DS9431720WTAG").send().await?;
//! let gone = client.describe_user().user_id(&id).platform_id("T04257DS9431720WTAG").send().await;
//! assert_eq!(gone.unwrap_err().code(), Some("InvalidParameterValue.InvalidUserId"));
//! // What the create sent, as the mock read it.
//! assert_eq!(mock.calls()[0].param("UserName"), "Ada");
//! # Ok(()) }
//! ```
//!
//! State is bounded: a family gains at most
//! [`MockServerBuilder::max_items_per_family`] items beyond its seed
//! (default 1,000; `LimitExceeded` past it), an item holds at most 16 KiB
//! of members as JSON (`InvalidParameterValue` past it, checked before
//! anything is copied), and a service's families 32 MiB together
//! (`LimitExceeded`; a delete makes room). State is per service: TCMPP's
//! and TCSAS's teams are two stores. [`MockServerBuilder::resource_families`]`(false)`
//! answers every action but the two version actions with its example.
//! Examples are parsed once, when the server starts.
//!
//! # Scripted answers and the call log
//!
//! [`MockServer::script`] queues answers for one action
//! ([`Answer::ok`] with the `Response` members, [`Answer::error`]), used in
//! order by the requests of it that pass the checks, then the action
//! behaves normally again: for retries, paging and waiters (a task that
//! goes from pending to running to done). [`MockServer::script_for`] does
//! it for one service's action. [`Fault`]s are for transport failures.
//! Each [`CallRecord`] keeps the request's parameters as the mock read them
//! ([`CallRecord::parameters`]: a TC3 JSON body, a v1 form or query decoded
//! by the members' types), so a test can check what its code sent.
//!
//! # Several services on one port
//!
//! A request is for the service named, in this order, by the first label
//! of its `Host` (`tcsas.intl.tencentcloudapi.com`, `tcsas.localhost:PORT`),
//! the service of its TC3 credential scope (`Credential=ID/DATE/tcsas/tc3_request`),
//! or its `Version` (`X-TC-Version`, or the v1 `Version` parameter: a v1
//! signature has no scope); a server of one service takes every request
//! as its own. The request is then checked as that service checks it: a
//! scope naming another service is `AuthFailure.SignatureFailure` (the
//! message names the scope's service and the one reached), another
//! service's version is `NoSuchVersion`, an action the service lacks is
//! `InvalidAction`. A v1 request whose `Version` is no served service's is
//! `NoSuchVersion` too. Rate limits are per service and action, so TCMPP's
//! and TCSAS's `CreateMNPVersion` have a budget each. The call log records
//! the service ([`CallRecord::service`]); [`MockServer::handled`] counts an
//! action of every service of that name, [`MockServer::handled_by`] one
//! service's; scripted faults ([`MockServer::inject_for`]) match the action
//! name whatever the service.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use tencentcloud_mock::MockServerBuilder;
//!
//! let mock = MockServerBuilder::new(tcmpp_api::SERVICE)
//!     .service(tcsas_api::SERVICE)
//!     .start()
//!     .await?;
//! let tcsas = tcsas_api::Client::builder()
//!     .region("ap-singapore")
//!     .endpoint(mock.endpoint())
//!     .credentials(mock.credentials())
//!     .build()?;
//! // Signed for `tcsas`: TCSAS answers, from its own store.
//! let out = tcsas
//!     .describe_mnp_all_stage_versions()
//!     .mnp_id("mpg9yjc0qbpkelik")
//!     .platform_id("T04257DS9431720WTAG")
//!     .send()
//!     .await?;
//! assert_eq!(out.data.map(|d| d.len()), Some(2));
//! assert_eq!(mock.calls()[0].service, "tcsas");
//! # Ok(()) }
//! ```
//!
//! # Under load
//!
//! Like the service, the mock enforces each action's documented rate limit
//! ([`OperationInfo::rate_limit_per_second`](tencentcloud_runtime::OperationInfo::rate_limit_per_second), 20 for every TCMPP and TCSAS action)
//! per `SecretId`, service and action over any rolling second (`limits.rs`): a
//! request that would put more than the limit in some closed window
//! `[t, t + 1 s]` of arrivals is answered `RequestLimitExceeded` (HTTP 200,
//! the error envelope) without acting. Only requests that pass
//! authentication count, at their arrival. On by default;
//! [`MockServerBuilder::rate_limits`]`(false)` switches it off.
//!
//! Its memory is bounded however long it runs: `CreateMNPVersion` creates
//! at most [`MockServerBuilder::max_versions_per_program`] versions per mini
//! program and service (default 1,000), then answers `LimitExceeded`, the service's
//! common code for a quota (not `FailedOperation`: nothing failed, a quota
//! is full), and each resource family as many items
//! ([`MockServerBuilder::max_items_per_family`]); the call log ([`MockServer::calls`]) is a ring of the last
//! [`MockServerBuilder::call_log_capacity`] arrivals (default 10,000), with
//! at most 64 KiB of parameters each and 8 MiB together, whose
//! action names are cut to 64 bytes and, for requests that failed
//! authentication, kept only if they name an action the mock serves (a
//! skewed call can still be told apart, no caller-chosen bytes are kept);
//! the rate limiter keeps at most 30 s of admitted
//! arrivals per configured `SecretId` and served service's action.
//!
//! Idle and slow connections time out: a request head must arrive within
//! [`MockServerBuilder::header_read_timeout`] (default 10 s; hyper's
//! header read timeout), and a connection with no request in progress and
//! no bytes moving for [`MockServerBuilder::idle_timeout`] (default 60 s)
//! is shut down gracefully, so idle keep-alive connections do not pile up.
//!
//! A request that is not validly signed costs it little. What the head
//! alone refuses (method, path, a malformed or unknown TC3 `Authorization`,
//! a stale timestamp, a `SignedHeaders` list naming a header twice, one
//! the request lacks, or more than 32) is answered before the body is read.
//! Bodies are read within a budget for all connections together
//! ([`MockServerBuilder::max_body_bytes_in_flight`], default 64 MiB, and a
//! quarter of it again for bodies under 64 KiB), reserved against bytes
//! that arrived, and by [`MockServerBuilder::body_read_timeout`] (default
//! 10 s); bodies of 64 KiB or more are hashed and parsed on blocking
//! threads, two at a time, so they do not hold up other connections'
//! answers. Parsing a 9.4 MB JSON body of 10^6 members holds about 130 MB.
//!
//! A signed request costs work in proportion to its bytes: flattened
//! parameters (v1, TC3 `GET`) decode only the list items they name, and a
//! list whose items are not numbered from 0 without gaps is refused
//! (`InvalidParameter`). A parameter given twice (a v1 `Action`, a JSON
//! member) is `InvalidParameter`; a v1 `Nonce` that is not a positive
//! integer of at most 64 bits is `InvalidParameterValue`; the same signed
//! v1 write (an action whose spec does not say `retry_safe`) sent again
//! within the timestamp window is refused as a replay
//! (`InvalidParameterValue`), while a TC3 write sent twice is acted on
//! twice (TC3 has no nonce: see `replay.rs`). A body over the
//! service's 10 MB is answered `RequestSizeLimitExceeded` (refused unread
//! when its `Content-Length` says so), one cut short `InvalidRequest`, and
//! a closing connection reads and discards what the client still sends
//! (up to 2 s or 32 MiB) so that the client gets the answer rather than a
//! reset. Error messages quote at most 64 characters of a value.
//!
//! Whatever the HTTP layer refuses is answered as the service answers
//! every error, HTTP 200 and the envelope, then the connection closes
//! (`http_errors.rs`): a URI over 65,534 bytes, or headers more than 100
//! or over about 400 KB together, is `RequestSizeLimitExceeded`; a request
//! line or header that is not HTTP/1.1 (a TLS handshake sent to the HTTP
//! server too) is `UnsupportedProtocol`, as is plain HTTP sent to the HTTPS
//! server, answered in plain text. These are not in the call log. A
//! `HEAD` request is answered without a body or `Content-Length`.

mod examples;
pub mod families;
mod headers;
mod http_errors;
mod limits;
mod replay;
mod resources;
mod serve;
mod services;
mod store;
mod sts;
#[cfg(feature = "tls")]
mod tls;
mod verify;

pub use sts::IssuedKey;
#[cfg(feature = "tls")]
pub use tls::{LoopbackCa, TlsSetupError};
pub use verify::v1_signature;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use serde_json::{Map, Value};
use tencentcloud_runtime::credentials::Credentials;
use tencentcloud_runtime::operation::ServiceInfo;

/// The `SecretId` the mock accepts unless told otherwise.
pub const DEMO_SECRET_ID: &str = "AKIDMOCKDEMO0000000000000000000000";
/// The `SecretKey` the mock accepts unless told otherwise.
pub const DEMO_SECRET_KEY: &str = "mockdemosecretkey000000000000000";

/// A misbehaviour for the next requests.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer this error (HTTP 200, the error envelope) without acting.
    Error {
        /// Error code, e.g. `RequestLimitExceeded`.
        code: String,
        /// Its message.
        message: String,
    },
    /// Wait, then handle the request normally.
    Delay(Duration),
    /// Handle the request (state changes happen), then close the
    /// connection without answering: the ambiguous failure.
    Drop,
    /// Answer `502 Bad Gateway` with an HTML page, without acting.
    Html502,
    /// Answer this status with this body, without acting.
    Status {
        /// HTTP status.
        status: u16,
        /// Body.
        body: String,
    },
}

impl Fault {
    /// [`Fault::Error`] with the given code and message.
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Fault::Error {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// One request the mock received.
#[derive(Clone, Debug)]
pub struct CallRecord {
    /// The service it is for (`tcmpp`, `tcsas`, ...), as its `Host`,
    /// credential scope or version names it (see the crate docs on
    /// routing); empty if it names none of those served.
    pub service: String,
    /// `X-TC-Action` (or v1 `Action`) as sent, cut to its first 64 bytes;
    /// empty if none, or if the request failed authentication and names no
    /// action the mock serves.
    pub action: String,
    /// When it arrived.
    pub at: Instant,
    /// The error code answered, `None` for a success (or a fault without one).
    pub code: Option<String>,
    /// Whether the request was acted on (state may have changed).
    pub handled: bool,
    /// The action's parameters as the mock read them, a JSON object: a TC3
    /// JSON body as sent, or a v1 form or query (and a TC3 `GET` query)
    /// decoded by the action's member types (`Limit=10` is the number 10,
    /// `MemberList.0.UserId` a list of objects), without v1's common
    /// parameters (`Action`, `Nonce`, `Signature`, ...). `Null` when the
    /// request failed before its parameters were read (authentication, an
    /// unknown action), when they came to more than 64 KiB, or when they were
    /// forgotten: the log keeps at most 8 MiB of parameters, dropping the
    /// oldest records' first.
    pub parameters: Value,
}

impl CallRecord {
    /// The parameter `name` as sent (`Null` if absent or not kept).
    pub fn param(&self, name: &str) -> &Value {
        self.parameters.get(name).unwrap_or(&Value::Null)
    }
}

/// Why [`MockServer::seed_items`] refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedError(String);

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SeedError {}

/// A scripted answer for one action (see [`MockServer::script`]).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Answer {
    /// Answer success with these `Response` members (a JSON object; the
    /// mock adds `RequestId`), without acting.
    Ok(Map<String, Value>),
    /// Answer this error (HTTP 200, the error envelope), without acting.
    Error {
        /// Error code, e.g. `ResourceNotFound`.
        code: String,
        /// Its message.
        message: String,
    },
}

impl Answer {
    /// A success answering `response`'s members: a JSON object such as
    /// `json!({"Data": {"TaskStatus": 1}})`; anything else answers no
    /// members. A `RequestId` in it is replaced by the mock's.
    pub fn ok(response: Value) -> Self {
        match response {
            Value::Object(mut m) => {
                m.remove("RequestId");
                Answer::Ok(m)
            }
            _ => Answer::Ok(Map::new()),
        }
    }

    /// An error answer with this code and message.
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Answer::Error {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// Answers scripted for one action (of one service, or of any).
struct Script {
    service: Option<String>,
    action: String,
    answers: VecDeque<Answer>,
}

struct ScriptedFault {
    action: Option<String>,
    fault: Fault,
    remaining: usize,
}

struct Shared {
    services: services::Services,
    keys: Vec<Credentials>,
    faults: Mutex<VecDeque<ScriptedFault>>,
    scripts: Mutex<Vec<Script>>,
    log: Mutex<CallLog>,
    next_id: AtomicU64,
    id_seed: u64,
    max_skew: Duration,
    /// The mock's clock minus this machine's, in seconds.
    clock_offset: AtomicI64,
    /// The port it listens on: a signed `host` may leave it out.
    port: u16,
    /// Whether the signed `host` must be the `Host` header exactly.
    strict_host: bool,
    /// The services' rate limits, unless switched off.
    rate_limits: Option<limits::RateLimits>,
    /// How long a request's head may take to arrive.
    header_read_timeout: Duration,
    /// How long a keep-alive connection may sit idle.
    idle_timeout: Duration,
    /// Terminates TLS first, when serving HTTPS.
    #[cfg(feature = "tls")]
    tls: Option<tokio_rustls::TlsAcceptor>,
    /// Bodies of [`serve::SMALL`] or more being read or handled, in KiB: a
    /// request waits for its share.
    body_budget: Arc<tokio::sync::Semaphore>,
    /// The whole budget, in KiB.
    body_budget_kib: u32,
    /// The same for bodies declared under [`serve::SMALL`], a quarter of
    /// the budget again: big bodies filling theirs never keep a small
    /// request waiting.
    small_budget: Arc<tokio::sync::Semaphore>,
    /// How long a request's body may take to arrive, budget wait included.
    body_read_timeout: Duration,
    /// Turns at verifying and parsing a big body ([`serve::HEAVY`]).
    heavy: tokio::sync::Semaphore,
    /// v1 writes acted on within the timestamp window.
    replays: Mutex<replay::Replays>,
    /// What STS accepts, when served.
    sts: sts::StsConfig,
    /// The temporary keys STS issued.
    issued: Mutex<sts::Issued>,
}

/// The last `capacity` arrivals, in order; `first` numbers the oldest kept.
struct CallLog {
    records: VecDeque<CallRecord>,
    /// Bytes (as sent) of each record's kept parameters.
    sizes: VecDeque<usize>,
    first: u64,
    capacity: usize,
    /// Bytes of parameters the records keep, and how many records from the
    /// front have had theirs dropped.
    param_bytes: usize,
    dropped_to: usize,
}

/// Parameters of a request are kept when they came in at most this many bytes.
const MAX_LOGGED_PARAMS: usize = 64 << 10;
/// The log keeps at most this many bytes of parameters (as sent), all records together.
const LOGGED_PARAMS_BUDGET: usize = 8 << 20;

impl CallLog {
    fn new(capacity: usize) -> Self {
        CallLog {
            records: VecDeque::new(),
            sizes: VecDeque::new(),
            first: 0,
            capacity,
            param_bytes: 0,
            dropped_to: 0,
        }
    }

    /// Gives record `n` its parameters, which arrived in `bytes` bytes,
    /// dropping the oldest records' past the budget.
    fn keep_parameters(&mut self, n: u64, parameters: Value, bytes: usize) {
        let Some(i) = n
            .checked_sub(self.first)
            .and_then(|i| usize::try_from(i).ok())
            .filter(|&i| i < self.records.len() && bytes <= MAX_LOGGED_PARAMS)
        else {
            return;
        };
        self.param_bytes += bytes;
        while self.param_bytes > LOGGED_PARAMS_BUDGET && self.dropped_to < self.records.len() {
            let at = self.dropped_to;
            self.records[at].parameters = Value::Null;
            self.param_bytes = self.param_bytes.saturating_sub(self.sizes[at]);
            self.sizes[at] = 0;
            self.dropped_to += 1;
        }
        if i >= self.dropped_to {
            self.records[i].parameters = parameters;
            self.sizes[i] = bytes;
        } else {
            self.param_bytes = self.param_bytes.saturating_sub(bytes);
        }
    }

    /// Appends, forgetting the oldest past the capacity; returns its number.
    fn push(&mut self, record: CallRecord) -> u64 {
        if self.capacity == 0 {
            self.first += 1;
            return self.first - 1;
        }
        if self.records.len() == self.capacity {
            self.records.pop_front();
            let size = self.sizes.pop_front().unwrap_or(0);
            self.param_bytes = self.param_bytes.saturating_sub(size);
            self.dropped_to = self.dropped_to.saturating_sub(1);
            self.first += 1;
        }
        self.records.push_back(record);
        self.sizes.push_back(0);
        self.first + self.records.len() as u64 - 1
    }

    /// The record numbered `n`, unless forgotten.
    fn get_mut(&mut self, n: u64) -> Option<&mut CallRecord> {
        let i = usize::try_from(n.checked_sub(self.first)?).ok()?;
        self.records.get_mut(i)
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; keep serving.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    /// The key whose `SecretId` this is: a configured one, or one STS
    /// issued that has not expired.
    fn key(&self, secret_id: &str) -> Result<Credentials, verify::ApiError> {
        if let Some(key) = self.keys.iter().find(|k| k.secret_id() == secret_id) {
            return Ok(key.clone());
        }
        match lock(&self.issued).lookup(secret_id, self.now()) {
            sts::Lookup::Valid(key) => Ok(key),
            sts::Lookup::Expired(at) => Err(verify::ApiError::new(
                "AuthFailure.TokenFailure",
                format!("The temporary key expired at {at} (ExpiredTime): assume the role again."),
            )),
            sts::Lookup::Unknown => Err(verify::ApiError::new(
                "AuthFailure.SecretIdNotFound",
                "The SecretId is not found, please ensure that your SecretId is correct.",
            )),
        }
    }

    /// Answers `op` of `served`: the next answer scripted for it if there
    /// is one, else the service's own.
    fn answer(
        &self,
        served: &services::Served,
        op: &tencentcloud_runtime::OperationInfo,
        body: &Value,
    ) -> Result<Map<String, Value>, verify::ApiError> {
        if let Some(answer) = self.take_script(served.info.name, op.action) {
            return match answer {
                Answer::Ok(members) => Ok(members),
                Answer::Error { code, message } => Err(verify::ApiError { code, message }),
            };
        }
        if served.info.name == sts::SERVICE {
            let now = self.now();
            let mut issued = lock(&self.issued);
            if let Some(answer) =
                sts::answer(&self.sts, &mut issued, self.id_seed, now, op.action, body)
            {
                return answer;
            }
        }
        served.answer(op, body)
    }

    /// Takes the next answer scripted for `service`'s `action`, if any.
    fn take_script(&self, service: &str, action: &str) -> Option<Answer> {
        let mut scripts = lock(&self.scripts);
        let i = scripts.iter().position(|s| {
            s.action == action && s.service.as_deref().is_none_or(|want| want == service)
        })?;
        let answer = scripts[i].answers.pop_front();
        if scripts[i].answers.is_empty() {
            scripts.remove(i);
        }
        answer
    }

    /// Takes the fault that applies to the next request of `action`, if any.
    fn take_fault(&self, action: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let i = faults
            .iter()
            .position(|f| f.action.as_deref().is_none_or(|a| a == action))?;
        let f = &mut faults[i];
        let fault = f.fault.clone();
        f.remaining -= 1;
        if f.remaining == 0 {
            faults.remove(i);
        }
        Some(fault)
    }

    /// The mock's clock, in Unix seconds.
    fn now(&self) -> u64 {
        local_now().saturating_add_signed(self.clock_offset.load(Ordering::Relaxed))
    }

    fn request_id(&self) -> String {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        let a = self.id_seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let b = a.rotate_left(29).wrapping_mul(0xBF58_476D_1CE4_E5B9) ^ n;
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48 & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }
}

/// The demo key, which the mock accepts unless configured otherwise.
pub fn demo_credentials() -> Credentials {
    Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY)
        .unwrap_or_else(|_| unreachable!("the demo key is printable ASCII"))
}

/// This machine's clock, in Unix seconds.
fn local_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// An HTTP `Date` (IMF-fixdate) for Unix seconds.
fn http_date(secs: u64) -> String {
    httpdate::fmt_http_date(std::time::UNIX_EPOCH + Duration::from_secs(secs))
}

/// Configures a [`MockServer`].
#[derive(Clone)]
#[must_use]
pub struct MockServerBuilder {
    addr: SocketAddr,
    services: Vec<ServiceInfo>,
    keys: Vec<Credentials>,
    max_skew: Duration,
    clock_offset: i64,
    strict_host: bool,
    rate_limits: bool,
    max_versions: usize,
    max_items: usize,
    families: bool,
    call_log_capacity: usize,
    header_read_timeout: Duration,
    idle_timeout: Duration,
    body_bytes_in_flight: usize,
    body_read_timeout: Duration,
    #[cfg(feature = "tls")]
    https: Https,
    sts: sts::StsConfig,
}

/// Whether the mock speaks HTTPS, and with which certificates.
#[cfg(feature = "tls")]
#[derive(Clone)]
enum Https {
    Off,
    /// Certificates made when the server starts.
    Generate,
    With(LoopbackCa),
}

impl std::fmt::Debug for MockServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(Credentials::secret_id).collect();
        let services: Vec<&str> = self.services.iter().map(|s| s.name).collect();
        f.debug_struct("MockServerBuilder")
            .field("addr", &self.addr)
            .field("services", &services)
            .field("secret_ids", &ids)
            .finish_non_exhaustive()
    }
}

impl Default for MockServerBuilder {
    /// Serves the services the crate's features select: TCMPP (feature
    /// `tcmpp`, default), TCSAS (feature `tcsas`); none without either.
    fn default() -> Self {
        let builder = MockServerBuilder::serving(Vec::new());
        #[cfg(feature = "tcmpp")]
        let builder = builder.service(tcmpp_api::SERVICE);
        #[cfg(feature = "tcsas")]
        let builder = builder.service(tcsas_api::SERVICE);
        #[cfg(feature = "sts")]
        let builder = builder.service(sts_api::SERVICE);
        builder
    }
}

impl MockServerBuilder {
    /// A server of `service` alone: the actions of its generated table
    /// (`SERVICE` of its crate), with the defaults.
    pub fn new(service: ServiceInfo) -> Self {
        MockServerBuilder::serving(vec![service])
    }

    fn serving(services: Vec<ServiceInfo>) -> Self {
        MockServerBuilder {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            services,
            keys: Vec::new(),
            max_skew: Duration::from_secs(300),
            clock_offset: 0,
            strict_host: false,
            rate_limits: true,
            max_versions: 1_000,
            max_items: 1_000,
            families: true,
            call_log_capacity: 10_000,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            #[cfg(feature = "tls")]
            https: Https::Off,
            body_bytes_in_flight: 64 << 20,
            body_read_timeout: Duration::from_secs(10),
            sts: sts::StsConfig::default(),
        }
    }
}

impl MockServerBuilder {
    /// Listen on this port of 127.0.0.1 (default: a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.addr.set_port(port);
        self
    }

    /// Accept these credentials (repeatable). Default: the demo key
    /// ([`DEMO_SECRET_ID`], [`DEMO_SECRET_KEY`]).
    pub fn credentials(mut self, credentials: &Credentials) -> Self {
        self.keys.push(credentials.clone());
        self
    }

    /// When serving STS: accept this OpenID Connect token from this
    /// identity provider (`ProviderId`) in `AssumeRoleWithWebIdentity`
    /// (repeatable: a rotated token and the one before it). Default: none,
    /// so every web identity is refused (`InvalidParameter.WebIdentityTokenError`,
    /// which never quotes the token).
    pub fn web_identity_token(
        mut self,
        provider_id: impl Into<String>,
        token: impl Into<String>,
    ) -> Self {
        self.sts
            .web_identity
            .push((provider_id.into(), token.into()));
        self
    }

    /// When serving STS: the shortest `DurationSeconds` `AssumeRole` and
    /// `AssumeRoleWithWebIdentity` accept, whole seconds. Default: 900 s,
    /// Tencent's minimum. A test-only relaxation: shorter durations let a
    /// test see keys expire and be refreshed in seconds.
    pub fn sts_min_duration(mut self, min: Duration) -> Self {
        self.sts.min_duration = min;
        self
    }

    /// When serving STS: how many issued keys are kept (default 10,000).
    /// A full store forgets expired keys; if none has expired the next
    /// `AssumeRole*` is answered `LimitExceeded`.
    pub fn max_issued_keys(mut self, max: usize) -> Self {
        self.sts.max_issued = max;
        self
    }

    /// Serve `service` too, on the same port: any generated service
    /// crate's `SERVICE`. It replaces a service of the same name given
    /// before. The crate docs say how a request finds its service.
    pub fn service(mut self, service: ServiceInfo) -> Self {
        match self.services.iter_mut().find(|s| s.name == service.name) {
            Some(same) => *same = service,
            None => self.services.push(service),
        }
        self
    }

    /// How far `X-TC-Timestamp` may be from the mock's clock. Default: 5 minutes.
    pub fn max_clock_skew(mut self, skew: Duration) -> Self {
        self.max_skew = skew;
        self
    }

    /// Runs the mock's clock this many seconds ahead of this machine's
    /// (behind, if negative): it checks `X-TC-Timestamp` against that clock
    /// and sends it as the `Date` of every answer, like a service whose
    /// clock differs from the client's. Default: 0. See also
    /// [`MockServer::set_clock_offset_secs`].
    pub fn clock_offset_secs(mut self, seconds: i64) -> Self {
        self.clock_offset = seconds;
        self
    }

    /// Demands that the signed `host` be the `Host` header exactly as sent
    /// (`127.0.0.1:PORT`). Default: `false`, which also accepts the host
    /// signed without the port the mock listens on, as the Node SDK signs
    /// it.
    pub fn strict_host(mut self, strict: bool) -> Self {
        self.strict_host = strict;
        self
    }

    /// Enforces each action's documented limit (`rate_limit_per_second` of
    /// its [`OperationInfo`](tencentcloud_runtime::OperationInfo)) per `SecretId`, service and action over any rolling
    /// second, answering `RequestLimitExceeded` (HTTP 200, the error
    /// envelope) past it, like the service. Only requests that pass
    /// authentication count; they count at arrival. Default: `true`;
    /// switch it off for tests that send bursts without a client-side
    /// limiter and are about something else.
    pub fn rate_limits(mut self, enforce: bool) -> Self {
        self.rate_limits = enforce;
        self
    }

    /// How many versions `CreateMNPVersion` may create per mini program
    /// (of each service with stateful seeded actions);
    /// past it the answer is `LimitExceeded` (the service's code for a
    /// quota). Default: 1,000.
    pub fn max_versions_per_program(mut self, max: usize) -> Self {
        self.max_versions = max;
        self
    }

    /// How many items a create may add to each resource family of each
    /// service (its seed does not count; a delete makes room again); past
    /// it a create answers `LimitExceeded`. Also the most items
    /// [`MockServer::seed_items`] takes. Default: 1,000.
    pub fn max_items_per_family(mut self, max: usize) -> Self {
        self.max_items = max;
        self
    }

    /// Whether the resource families ([`families`]) and the paginated
    /// actions' collections keep state. Default: `true`. With `false`
    /// every action but the two seeded version actions answers its
    /// example, whatever the request says (for checking the examples).
    pub fn resource_families(mut self, on: bool) -> Self {
        self.families = on;
        self
    }

    /// How many arrivals [`MockServer::calls`] keeps: the last `capacity`
    /// (older ones are forgotten). Default: 10,000.
    pub fn call_log_capacity(mut self, capacity: usize) -> Self {
        self.call_log_capacity = capacity;
        self
    }

    /// How long a request's head may take to arrive once the connection
    /// waits for one; past it the connection is closed. Default: 10 s.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// How long a connection may sit with no request in progress and no
    /// bytes moving before the mock closes it. Default: 60 s.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// How many bytes of request bodies of 64 KiB or more the mock holds
    /// at once, all connections together; smaller bodies have a quarter of
    /// it again to themselves, so that big ones filling the budget never
    /// keep a small request waiting. Shares are reserved against bytes
    /// that arrived, never a bare `Content-Length`: a head that sends no
    /// body holds nothing. A body that has sent 64 KiB reserves its whole
    /// `Content-Length` (or doubles as it arrives, without one), so the
    /// bodies being read can all finish. Shares are held until the answer.
    /// A request that cannot get its share within
    /// [`body_read_timeout`](Self::body_read_timeout) is answered
    /// `ServiceUnavailable`; a body larger than the whole budget,
    /// `RequestSizeLimitExceeded`. Default: 64 MiB (six bodies at the
    /// service's 10 MB limit).
    pub fn max_body_bytes_in_flight(mut self, bytes: usize) -> Self {
        self.body_bytes_in_flight = bytes;
        self
    }

    /// How long a request's body may take to arrive after its head, waiting
    /// for its share of [`max_body_bytes_in_flight`](Self::max_body_bytes_in_flight)
    /// included; past it the answer is `InvalidRequest` (or
    /// `ServiceUnavailable` while still waiting for budget). Default: 10 s.
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// Serves HTTPS instead of HTTP (feature `tls`), with a
    /// certificate authority generated when the server starts
    /// ([`LoopbackCa`]); [`MockServer::ca_certificate_pem`] is the root a
    /// client must trust. HTTP/1.1 only; a TLS handshake must finish
    /// within [`header_read_timeout`](Self::header_read_timeout). Plain
    /// HTTP sent to it is answered `UnsupportedProtocol` in plain text.
    /// Default: `false`.
    #[cfg(feature = "tls")]
    pub fn https(mut self, https: bool) -> Self {
        self.https = if https { Https::Generate } else { Https::Off };
        self
    }

    /// Serves HTTPS with these certificates (feature `tls`): for
    /// several servers trusted through one root.
    #[cfg(feature = "tls")]
    pub fn https_with(mut self, ca: LoopbackCa) -> Self {
        self.https = Https::With(ca);
        self
    }

    /// Binds and starts serving on the current tokio runtime.
    ///
    /// Fails (`InvalidInput`) if no service is configured, if the address
    /// cannot be bound, or (HTTPS) if the certificates cannot be made.
    pub async fn start(self) -> std::io::Result<MockServer> {
        if self.services.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the mock serves no service: enable the crate's feature `tcmpp` or \
                 `tcsas`, or name one with MockServerBuilder::new(SERVICE)",
            ));
        }
        #[cfg(feature = "tls")]
        let ca = match self.https {
            Https::Off => None,
            Https::Generate => {
                Some(LoopbackCa::generate("tcmpp mock CA").map_err(std::io::Error::other)?)
            }
            Https::With(ca) => Some(ca),
        };
        let listener = TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let keys = if self.keys.is_empty() {
            vec![demo_credentials()]
        } else {
            self.keys
        };
        let seed = {
            use std::hash::{BuildHasher, Hasher};
            std::collections::hash_map::RandomState::new()
                .build_hasher()
                .finish()
        };
        let budget_kib = u32::try_from(self.body_bytes_in_flight / 1024).unwrap_or(u32::MAX);
        let shared = Arc::new(Shared {
            services: services::Services::new(
                &self.services,
                &services::StateLimits {
                    max_versions: self.max_versions,
                    max_items: self.max_items,
                    families: self.families,
                },
            ),
            keys,
            faults: Mutex::new(VecDeque::new()),
            scripts: Mutex::new(Vec::new()),
            log: Mutex::new(CallLog::new(self.call_log_capacity)),
            next_id: AtomicU64::new(0),
            id_seed: seed,
            max_skew: self.max_skew,
            clock_offset: AtomicI64::new(self.clock_offset),
            port: addr.port(),
            strict_host: self.strict_host,
            rate_limits: self.rate_limits.then(limits::RateLimits::default),
            header_read_timeout: self.header_read_timeout,
            idle_timeout: self.idle_timeout,
            #[cfg(feature = "tls")]
            tls: ca.as_ref().map(LoopbackCa::acceptor),
            body_budget: Arc::new(tokio::sync::Semaphore::new(budget_kib as usize)),
            body_budget_kib: budget_kib,
            small_budget: Arc::new(tokio::sync::Semaphore::new(
                (budget_kib as usize / 4).max(serve::SMALL / 1024),
            )),
            body_read_timeout: self.body_read_timeout,
            heavy: tokio::sync::Semaphore::new(serve::HEAVY),
            replays: Mutex::new(replay::Replays::new(self.max_skew)),
            sts: self.sts,
            issued: Mutex::new(sts::Issued::default()),
        });
        let task = tokio::spawn(serve::accept_loop(listener, shared.clone()));
        Ok(MockServer {
            addr,
            shared,
            task,
            #[cfg(feature = "tls")]
            ca,
        })
    }
}

/// A running mock; stops when dropped.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
    #[cfg(feature = "tls")]
    ca: Option<LoopbackCa>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a server of the services the crate's features select
    /// (TCMPP by default, TCSAS with feature `tcsas`) on a free port of
    /// 127.0.0.1 that accepts the demo key. Fails if no feature selects one.
    pub async fn start() -> std::io::Result<MockServer> {
        Self::builder().start().await
    }

    /// Configures a server of the services the crate's features select;
    /// [`MockServerBuilder::service`] adds any other,
    /// [`MockServerBuilder::new`] serves one alone.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// The services it serves, in the order configured.
    pub fn services(&self) -> Vec<ServiceInfo> {
        self.shared.services.iter().map(|s| s.info).collect()
    }

    /// `http://127.0.0.1:PORT` (`https://` when serving HTTPS), for
    /// `ClientBuilder::endpoint`.
    pub fn endpoint(&self) -> String {
        #[cfg(feature = "tls")]
        if self.ca.is_some() {
            return format!("https://{}", self.addr);
        }
        format!("http://{}", self.addr)
    }

    /// When serving HTTPS (feature `tls`), the root certificate a
    /// client must trust, PEM (for `ClientBuilder::add_root_certificate_pem`,
    /// or written to a file for Node's `NODE_EXTRA_CA_CERTS` or the Python
    /// SDK's `HttpProfile(certification=...)`).
    #[cfg(feature = "tls")]
    pub fn ca_certificate_pem(&self) -> Option<&str> {
        self.ca.as_ref().map(LoopbackCa::root_pem)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The first credentials it accepts (the demo key unless configured).
    pub fn credentials(&self) -> Credentials {
        self.shared
            .keys
            .first()
            .cloned()
            .unwrap_or_else(demo_credentials)
    }

    /// Applies `fault` to the next `times` requests, whatever their action.
    /// Faults queue up in the order they were injected.
    pub fn inject(&self, fault: Fault, times: usize) {
        self.push_fault(None, fault, times);
    }

    /// Applies `fault` to the next `times` requests of `action`, whichever
    /// service they are for.
    pub fn inject_for(&self, action: &str, fault: Fault, times: usize) {
        self.push_fault(Some(action.to_owned()), fault, times);
    }

    fn push_fault(&self, action: Option<String>, fault: Fault, times: usize) {
        if times > 0 {
            lock(&self.shared.faults).push_back(ScriptedFault {
                action,
                fault,
                remaining: times,
            });
        }
    }

    /// Scripts the next answers of `action`, whichever service it is for:
    /// each request of it that passes the checks (signature, version,
    /// parameters, rate limit) takes the next answer, in order, without
    /// acting; once they are used up the action behaves normally again.
    /// Successes get a `RequestId` and the envelope like any answer, and
    /// count as handled in the call log. Scripts queue after earlier ones
    /// for the same action. For waiters, retries and paging:
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use serde_json::json;
    /// use tencentcloud_mock::{Answer, MockServer};
    ///
    /// let mock = MockServer::start().await?;
    /// let task = |status: i64| Answer::ok(json!({"Data": {"TaskStatus": status}}));
    /// mock.script(
    ///     "DescribeMNPVersion",
    ///     [task(1), Answer::error("InternalError", "try again"), task(60)],
    /// );
    /// # Ok(()) }
    /// ```
    pub fn script(&self, action: &str, answers: impl IntoIterator<Item = Answer>) {
        self.push_script(None, action, answers);
    }

    /// [`script`](Self::script) for `service`'s `action` only (`tcsas`):
    /// requests of the action of another service answer normally.
    pub fn script_for(
        &self,
        service: &str,
        action: &str,
        answers: impl IntoIterator<Item = Answer>,
    ) {
        self.push_script(Some(service.to_owned()), action, answers);
    }

    fn push_script(
        &self,
        service: Option<String>,
        action: &str,
        answers: impl IntoIterator<Item = Answer>,
    ) {
        let answers: VecDeque<Answer> = answers.into_iter().collect();
        if !answers.is_empty() {
            lock(&self.shared.scripts).push(Script {
                service,
                action: action.to_owned(),
                answers,
            });
        }
    }

    /// Forgets every scripted answer not yet used.
    pub fn clear_scripts(&self) {
        lock(&self.shared.scripts).clear();
    }

    /// Replaces what the paginated `action` of `service` lists with `items`
    /// (JSON objects shaped like the items of its example's list; members
    /// they lack are answered as zero values). For an action that lists a
    /// resource family ([`families`]) the items become the family's store
    /// (an item without the family's id gets one), so its describes,
    /// modifies and deletes see them; for any other paginated action they
    /// are what it pages over. At most
    /// [`MockServerBuilder::max_items_per_family`] items.
    pub fn seed_items(
        &self,
        service: &str,
        action: &str,
        items: Vec<Value>,
    ) -> Result<(), SeedError> {
        let served = self
            .shared
            .services
            .by_name(service)
            .ok_or_else(|| SeedError(format!("the mock does not serve `{service}`")))?;
        let op = served
            .info
            .operation(action)
            .ok_or_else(|| SeedError(format!("`{service}` has no action `{action}`")))?;
        let mut resources = lock(&served.resources);
        if items.len() > resources.cap() {
            return Err(SeedError(format!(
                "{} items are more than the {} a family may hold",
                items.len(),
                resources.cap()
            )));
        }
        resources.seed(op, items).map_err(SeedError)
    }

    /// How many items `service`'s resource family `family` (its row's
    /// [`name`](families::Family::name)) holds; `None` if there is no such
    /// family (or families are off).
    pub fn stored_items(&self, service: &str, family: &str) -> Option<usize> {
        lock(&self.shared.services.by_name(service)?.resources).count(family)
    }

    /// Moves the mock's clock to this many seconds ahead of this machine's
    /// (behind, if negative), from the next request on.
    pub fn set_clock_offset_secs(&self, seconds: i64) {
        self.shared.clock_offset.store(seconds, Ordering::Relaxed);
    }

    /// The temporary keys STS issued (`AssumeRole`,
    /// `AssumeRoleWithWebIdentity`) that are still kept, oldest first:
    /// which role and session each is for, and when it expires. Never the
    /// secret key or token.
    pub fn issued_keys(&self) -> Vec<IssuedKey> {
        lock(&self.shared.issued).list()
    }

    /// Forgets every fault not yet applied.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// The requests received so far, in arrival order: the last
    /// [`MockServerBuilder::call_log_capacity`] of them.
    pub fn calls(&self) -> Vec<CallRecord> {
        lock(&self.shared.log).records.iter().cloned().collect()
    }

    /// How many versions the stores hold (the seeded ones included), all
    /// services together.
    pub fn stored_versions(&self) -> usize {
        self.shared
            .services
            .iter()
            .map(services::Served::stored_versions)
            .sum()
    }

    /// How many versions `service`'s store holds (the seeded ones
    /// included); 0 for a service it does not serve or that keeps none.
    pub fn stored_versions_of(&self, service: &str) -> usize {
        self.shared
            .services
            .by_name(service)
            .map_or(0, services::Served::stored_versions)
    }

    /// How many requests of `action` among those in [`MockServer::calls`]
    /// were acted on, whichever service they reached: two services' actions
    /// of one name (TCMPP's and TCSAS's `CreateMNPVersion`) count together.
    /// [`handled_by`](Self::handled_by) counts one service's.
    pub fn handled(&self, action: &str) -> usize {
        self.count_handled(|c| c.action == action)
    }

    /// How many requests of `service`'s `action` among those in
    /// [`MockServer::calls`] were acted on.
    pub fn handled_by(&self, service: &str, action: &str) -> usize {
        self.count_handled(|c| c.service == service && c.action == action)
    }

    fn count_handled(&self, matches: impl Fn(&CallRecord) -> bool) -> usize {
        lock(&self.shared.log)
            .records
            .iter()
            .filter(|c| c.handled && matches(c))
            .count()
    }

    /// Stops accepting connections.
    pub fn shutdown(self) {
        self.task.abort();
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn no_service_is_an_error_not_a_panic() {
        let err = MockServerBuilder::serving(Vec::new())
            .start()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("serves no service"), "{err}");
    }
}

/// The crate README's examples, compiled as doctests so they stay true.
#[cfg(all(doctest, feature = "tcmpp"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
