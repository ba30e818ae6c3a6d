//! What the generated code tells the runtime about each action.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ErrorMetadata;

/// What a service crate tells the runtime about its service, from the
/// spec: the runtime itself knows no service.
#[derive(Clone, Copy, Debug)]
pub struct ServiceInfo {
    /// Service name, e.g. `cvm`.
    pub name: &'static str,
    /// API version sent as `X-TC-Version`, e.g. `2024-08-01`.
    pub version: &'static str,
    /// Default host name.
    pub endpoint: &'static str,
    /// Service name in the TC3 credential scope.
    pub signing_service: &'static str,
    /// Who is calling, sent as `X-TC-RequestClient` and `User-Agent`:
    /// the service crate's name and version, e.g. `cvm-api-rust/0.1.0`.
    pub client_id: &'static str,
    /// Every action of the service, as data.
    pub operations: &'static [OperationInfo],
}

impl ServiceInfo {
    /// The action named `action` (its wire name), if the service has it.
    pub fn operation(&self, action: &str) -> Option<&'static OperationInfo> {
        self.operations.iter().find(|o| o.action == action)
    }
}

/// One action of a service. Implemented by a unit struct per action in the
/// generated code; the client's execute path is generic over it.
pub trait Operation: Send + Sync + 'static {
    /// The service the action belongs to.
    const SERVICE: ServiceInfo;
    /// Wire name sent as `X-TC-Action`.
    const ACTION: &'static str;
    /// Whether the spec says re-sending after an ambiguous failure is safe.
    const RETRY_SAFE: bool;
    /// Documented rate limit.
    const RATE_LIMIT_PER_SECOND: u32;
    /// The request parameters.
    type Input: Serialize + Send + Sync;
    /// The successful answer.
    type Output: Send;
    /// The action's service error.
    type Error: ServiceError;
    /// The wire form of the `Response` object.
    #[doc(hidden)]
    type ResponseBody: DeserializeOwned + ResponseBody<Output = Self::Output>;
}

/// A per-action service error: classifies a code and keeps its metadata.
pub trait ServiceError: std::error::Error + Send + Sync + 'static {
    /// Classifies the code of `metadata`.
    fn from_metadata(metadata: ErrorMetadata) -> Self;
    /// What the service said.
    fn metadata(&self) -> &ErrorMetadata;
}

/// The inside of `{"Response": {...}}`, turned into an output or an error.
#[doc(hidden)]
pub trait ResponseBody {
    type Output;
    /// The `RequestId`, for the call's tracing span.
    fn request_id(&self) -> Option<&str> {
        None
    }
    fn into_output(self) -> Result<Self::Output, BodyError>;
}

/// Why a decoded `Response` object is not an output.
#[doc(hidden)]
#[derive(Debug)]
pub enum BodyError {
    /// The service answered with an error.
    Service(ErrorMetadata),
    /// A member the spec says is always present was absent or null.
    Missing {
        member: &'static str,
        request_id: Option<String>,
    },
}

/// What the spec says about one action, as data: the test server validates
/// and answers from this, so a new action in the spec needs no hand-written
/// handler; `Client::call_json` calls by name with it. Each service crate
/// generates its table as `ServiceInfo::operations`.
#[derive(Clone, Copy, Debug)]
pub struct OperationInfo {
    /// Wire name.
    pub action: &'static str,
    /// Whether re-sending after an ambiguous failure is safe.
    pub retry_safe: bool,
    /// Documented rate limit.
    pub rate_limit_per_second: u32,
    /// Request members.
    pub request: &'static [Param],
    /// The spec's first example request body, compact JSON.
    pub example_request: Option<&'static str>,
    /// The spec's first example answer, `{"Response": ...}`, compact JSON.
    pub example_response: Option<&'static str>,
    /// Where its page members are, when its answers come in pages.
    pub paginated: Option<PageInfo>,
}

/// A paginated action's page members by wire name, for code that pages
/// through JSON (a command line's `--all-pages`, the test server).
#[derive(Clone, Copy, Debug)]
pub struct PageInfo {
    /// The request's offset member (`Offset`).
    pub offset: &'static str,
    /// The request's page-size member (`Limit`).
    pub limit: &'static str,
    /// The answer's list, a path of members (`Data.DataList`).
    pub items: &'static str,
    /// The answer's total, a path of members (`Data.TotalCount`).
    pub total: Option<&'static str>,
    /// Items asked for per page when the request names none.
    pub default_page_size: u64,
}

/// A request member.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    /// Wire name.
    pub name: &'static str,
    /// Whether the caller must send it.
    pub required: bool,
    /// Its type.
    pub ty: ParamType,
}

/// A request member's type.
#[derive(Clone, Copy, Debug)]
pub enum ParamType {
    /// A string.
    String,
    /// A signed integer.
    Int64,
    /// An unsigned integer.
    Uint64,
    /// A number.
    Float,
    /// A boolean.
    Bool,
    /// A list of the inner type.
    List(&'static ParamType),
    /// An object with these members.
    Object(&'static ObjectSchema),
}

/// The members of an object type.
#[derive(Debug)]
pub struct ObjectSchema {
    /// Name in the spec.
    pub name: &'static str,
    /// Members.
    pub members: &'static [Param],
}
