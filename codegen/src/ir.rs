//! Stage 2 output: the checked, resolved API, with Rust names decided.
//!
//! Everything here is known to be valid: emitters never fail and never
//! re-check. Collections keep document order (maps in the spec are read in
//! key order, so output is deterministic).

use serde_json::Value;

/// The checked API.
#[derive(Clone, Debug)]
pub struct Api {
    /// Service-wide facts.
    pub service: Service,
    /// Actions, in spec order.
    pub actions: Vec<Action>,
    /// Shared object types.
    pub models: Vec<Model>,
    /// Value sets (enums).
    pub value_sets: Vec<ValueSet>,
    /// Errors any action can return; each action's `errors` repeats them
    /// with the variant names of its own error kind.
    pub common_errors: Vec<ErrorCode>,
    /// Variants of the service-wide error kind, shared by every action that
    /// lists no codes of its own: the service's codes, then the common ones.
    pub service_errors: Vec<ErrorCode>,
}

/// Service-wide facts.
#[derive(Clone, Debug)]
pub struct Service {
    /// Service name, e.g. `tcmpp`.
    pub name: String,
    /// Human title.
    pub title: String,
    /// API version, e.g. `2024-08-01`.
    pub version: String,
    /// Default host name.
    pub endpoint: String,
    /// Service name used in the TC3 credential scope.
    pub signing_service: String,
    /// Service documentation.
    pub document: String,
    /// Documentation of `RequestId`.
    pub request_id_document: String,
}

/// One action.
#[derive(Clone, Debug)]
pub struct Action {
    /// `DescribeMNPAllStageVersions`.
    pub wire_name: String,
    /// `describe_mnp_all_stage_versions`: module and method name.
    pub module: String,
    /// `DescribeMnpAllStageVersions`: prefix of the action's type names.
    pub type_name: String,
    /// The operation marker type: `type_name`, or `Self_` for an action
    /// named `Self`.
    pub op_name: String,
    /// Short human title.
    pub title: String,
    /// Documentation.
    pub document: String,
    /// Documented rate limit.
    pub rate_limit_per_second: u32,
    /// Whether re-sending after an ambiguous failure is safe.
    pub retry_safe: bool,
    /// Request members.
    pub request: Shape,
    /// Response members, without `RequestId`.
    pub response: Shape,
    /// Every variant of the action's error kind, in order: its business
    /// codes, then the common codes it does not list itself. Empty when
    /// `shared_errors`.
    pub errors: Vec<ErrorCode>,
    /// The action lists no codes of its own: its error type is the
    /// service-wide one ([`Api::service_errors`]).
    pub shared_errors: bool,
    /// Example exchanges.
    pub examples: Vec<Example>,
    /// How its answers come in pages, when they do.
    pub pagination: Option<Pagination>,
    /// Named waits on its answers.
    pub waiters: Vec<Waiter>,
}

/// A named wait: the action polled until a status member of its answer
/// holds a done or failed value.
#[derive(Clone, Debug)]
pub struct Waiter {
    /// The request's method: `wait_until_{name}`.
    pub method: String,
    /// Documentation.
    pub document: String,
    /// The actions (indexes) whose work it waits for, for their docs.
    pub after: Vec<usize>,
    /// Response fields from the output to the status member.
    pub status: Vec<String>,
    /// The same path by wire names (`Data.TaskStatus`).
    pub status_wire: String,
    /// The status member's type: an integer, a string, or a value set of
    /// either.
    pub status_type: Type,
    /// Values that end the wait as done.
    pub done: Vec<SetLiteral>,
    /// Values that end it as failed.
    pub failed: Vec<SetLiteral>,
}

/// Where a paginated action's page members are.
#[derive(Clone, Debug)]
pub struct Pagination {
    /// The request's offset member.
    pub offset: PageMember,
    /// The request's page-size member.
    pub limit: PageMember,
    /// Response fields from the output to the list of items.
    pub items: Vec<String>,
    /// The same path by wire names (`Data.DataList`), for the table.
    pub items_wire: String,
    /// The type of one item.
    pub item: Type,
    /// Response fields from the output to the total, and its type.
    pub total: Option<(Vec<String>, Type)>,
    /// The total's path by wire names.
    pub total_wire: Option<String>,
    /// Items asked for per page when the request names no size.
    pub default_page_size: u64,
}

/// A request member of a page: its field and how it is held.
#[derive(Clone, Debug)]
pub struct PageMember {
    /// Name on the wire.
    pub wire_name: String,
    /// Rust field name.
    pub ident: String,
    /// Held without an `Option`.
    pub required: bool,
    /// `Int64` or `Uint64`.
    pub ty: Type,
}

/// The members of a request, a response or an object.
#[derive(Clone, Debug)]
pub struct Shape {
    /// Documentation.
    pub document: String,
    /// Members, in spec order.
    pub fields: Vec<Field>,
}

/// One member.
#[derive(Clone, Debug)]
pub struct Field {
    /// Name on the wire.
    pub wire_name: String,
    /// Rust field name, also its getter and setter.
    pub ident: String,
    /// The `set_` method that takes an `Option` (used for optional members).
    pub set_ident: String,
    /// Documentation.
    pub document: String,
    /// Type of the value.
    pub ty: Type,
    /// The caller must set it (request members, and members of objects
    /// only requests use). Response members never are: Tencent's own
    /// answers omit members its descriptions mark as always present.
    pub required: bool,
    /// A response member Tencent documents as always present and never
    /// null (`output_required`); said in its docs, not relied upon.
    pub documented_present: bool,
    /// Held in a `Box`: the member's object contains, directly or through
    /// others, the object the member belongs to.
    pub boxed: bool,
    /// Example value, when the spec gives one.
    pub example: Option<Value>,
    /// On the wire a `uint64` (a value set over one: the operations table
    /// says so, for the test server's checks).
    pub unsigned: bool,
    /// A secret (a secret key, a token): `Debug` shows it redacted.
    pub sensitive: bool,
}

/// A member's type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    /// UTF-8 string.
    String,
    /// Signed 64-bit integer.
    Int64,
    /// Unsigned 64-bit integer.
    Uint64,
    /// 64-bit float.
    Float,
    /// Boolean.
    Bool,
    /// A date and time as Tencent writes it (`2006-01-02 15:04:05`).
    DateTime,
    /// An ISO 8601 date and time (`2006-01-02T15:04:05Z`).
    DateTimeIso,
    /// A date (`2006-01-02`).
    Date,
    /// Whole seconds since the Unix epoch, as an integer (or its digits in
    /// a string member of answers).
    UnixSeconds,
    /// Index into [`Api::value_sets`].
    ValueSet(usize),
    /// Index into [`Api::models`].
    Model(usize),
    /// List of the inner type.
    List(Box<Type>),
}

/// A shared object type.
#[derive(Clone, Debug)]
pub struct Model {
    /// Name in the spec.
    pub wire_name: String,
    /// Rust type name.
    pub type_name: String,
    /// Rust name of its builder.
    pub builder_name: String,
    /// Name of the `static` holding its request schema.
    pub schema_name: String,
    /// Documentation.
    pub document: String,
    /// Members.
    pub fields: Vec<Field>,
    /// Requests use it (it derives `Serialize`).
    pub input: bool,
    /// Answers use it (it derives `Deserialize`).
    pub output: bool,
}

/// A value set: a closed list of documented values, open to new ones.
#[derive(Clone, Debug)]
pub struct ValueSet {
    /// Name in the spec.
    pub wire_name: String,
    /// Rust type name.
    pub type_name: String,
    /// Documentation.
    pub document: String,
    /// Whether values are strings or integers.
    pub kind: SetKind,
    /// The known values.
    pub values: Vec<SetValue>,
}

/// What a value set holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetKind {
    /// Strings.
    String,
    /// Signed 64-bit integers.
    Int64,
}

/// One known value.
#[derive(Clone, Debug)]
pub struct SetValue {
    /// The value on the wire.
    pub wire: SetLiteral,
    /// Rust variant name.
    pub variant: String,
    /// Documentation.
    pub document: String,
}

/// A value-set literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetLiteral {
    /// A string value.
    String(String),
    /// An integer value.
    Int(i64),
}

/// A documented error code.
#[derive(Clone, Debug)]
pub struct ErrorCode {
    /// `FailedOperation.FileDownloadFailed`.
    pub code: String,
    /// `FailedOperationFileDownloadFailed`.
    pub variant: String,
    /// Documentation.
    pub document: String,
    /// One of the codes every action can return.
    pub common: bool,
}

/// An example exchange.
#[derive(Clone, Debug)]
pub struct Example {
    /// What it shows.
    pub title: String,
    /// Request body, when upstream's could be read.
    pub request: Option<Value>,
    /// Response body, with its `Response` envelope.
    pub response: Value,
}
