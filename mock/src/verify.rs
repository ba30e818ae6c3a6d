//! What the service checks before acting, in its order: the signature and
//! its key, the timestamp window, the token, the version, the action, the
//! region, then the parameters against the spec.

use std::collections::BTreeMap;

use hyper::HeaderMap;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::Shared;
use hmac::{Hmac, Mac};
use tencentcloud_runtime::credentials::Credentials;
use tencentcloud_runtime::operation::{OperationInfo, Param, ParamType, ServiceInfo};
use tencentcloud_runtime::signing;

/// An error answer: code and message, as the service would send them.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub(crate) fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The request's `Timestamp` (header or v1 parameter): present, Unix
/// seconds, and within the allowed skew of the mock's clock. A value that
/// is there but not Unix seconds (negative, text) is not "missing".
pub(crate) fn fresh_timestamp(
    shared: &Shared,
    raw: Option<&str>,
    now: u64,
) -> Result<u64, ApiError> {
    let raw = raw
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                "MissingParameter",
                "The request is missing a required parameter `Timestamp`.",
            )
        })?;
    let timestamp: u64 = raw.parse().map_err(|_| {
        ApiError::new(
            "InvalidParameterValue",
            "The parameter `Timestamp` must be a Unix time in seconds: a non-negative integer.",
        )
    })?;
    if now.abs_diff(timestamp) > shared.max_skew.as_secs() {
        return Err(ApiError::new(
            "AuthFailure.SignatureExpire",
            format!(
                "Signature expired. Timestamp {timestamp} is more than {} s from the server time {now}.",
                shared.max_skew.as_secs()
            ),
        ));
    }
    Ok(timestamp)
}

/// Whether the request says it is unsigned (`Authorization: SKIP`, as
/// Tencent's SDKs send the actions the service takes without a signature).
pub(crate) fn is_unsigned(headers: &HeaderMap) -> bool {
    header(headers, "authorization").is_some_and(|a| a.trim() == "SKIP")
}

/// The parsed `Authorization` header.
struct Authorization<'a> {
    secret_id: &'a str,
    date: &'a str,
    service: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value.strip_prefix(signing::ALGORITHM)?.trim_start();
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed_headers = Some(v),
            "Signature" => signature = Some(v),
            _ => return None,
        }
    }
    let mut scope = credential?.split('/');
    let (secret_id, date, service, terminator) =
        (scope.next()?, scope.next()?, scope.next()?, scope.next()?);
    if terminator != "tc3_request" || scope.next().is_some() {
        return None;
    }
    Some(Authorization {
        secret_id,
        date,
        service,
        signed_headers: signed_headers?,
        signature: signature?,
    })
}

/// The most names `SignedHeaders` may list. Clients sign two or three;
/// each listed name adds its header to the canonical request, so the list
/// is what bounds the work done before the signature is known to hold.
const MAX_SIGNED_HEADERS: usize = 32;

/// The longest excerpt of a caller's value an error message quotes.
const MAX_ECHO: usize = 64;

/// `value` for an error message: its first 64 characters, escaped, and
/// how long it was if cut, so a message never echoes a request's bulk.
pub(crate) fn excerpt(value: &str) -> String {
    let mut out: String = value
        .chars()
        .take(MAX_ECHO)
        .flat_map(char::escape_debug)
        .collect();
    if value.chars().nth(MAX_ECHO).is_some() {
        out.push_str(&format!("\u{2026} ({} bytes)", value.len()));
    }
    out
}

/// The `X-TC-Content-SHA256` value by which a TC3 request leaves its body
/// out of the signature (the official SDKs' `unsignedPayload` option): the
/// canonical request then carries the hash of this text instead.
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// A TC3 request's signature as far as its head tells: the Authorization
/// header well formed, its key known, the timestamp within the window and
/// the signed header names distinct, few and present. Checked before the
/// body is read; [`Tc3Head::verify`] then checks the signature itself.
pub(crate) struct Tc3Head<'h> {
    key: Credentials,
    auth: Authorization<'h>,
    timestamp: u64,
    /// The signed headers, names as listed, values as sent.
    signed: Vec<(&'h str, &'h str)>,
    has_content_type: bool,
    /// `X-TC-Content-SHA256: UNSIGNED-PAYLOAD`: the body is not signed.
    unsigned_payload: bool,
    token: Option<&'h str>,
}

fn invalid_authorization(why: &str) -> ApiError {
    ApiError::new(
        "AuthFailure.InvalidAuthorization",
        format!("The Authorization header is not a valid TC3-HMAC-SHA256 signature{why}."),
    )
}

/// The head's part of the TC3 checks, in the service's order.
pub(crate) fn tc3_head<'h>(
    shared: &Shared,
    headers: &'h HeaderMap,
    now: u64,
) -> Result<Tc3Head<'h>, ApiError> {
    let auth = header(headers, "authorization")
        .and_then(parse_authorization)
        .ok_or_else(|| invalid_authorization(""))?;
    let key = shared.key(auth.secret_id)?;
    let timestamp = fresh_timestamp(shared, header(headers, "x-tc-timestamp"), now)?;
    let mut signed: Vec<(&str, &str)> = Vec::new();
    for name in auth.signed_headers.split(';') {
        if signed.len() == MAX_SIGNED_HEADERS {
            return Err(invalid_authorization(&format!(
                ": SignedHeaders lists more than {MAX_SIGNED_HEADERS} names"
            )));
        }
        let trimmed = name.trim();
        if signed
            .iter()
            .any(|(seen, _)| seen.trim().eq_ignore_ascii_case(trimmed))
        {
            return Err(invalid_authorization(&format!(
                ": SignedHeaders lists `{}` more than once",
                excerpt(trimmed)
            )));
        }
        let value = header(headers, trimmed).ok_or_else(|| {
            invalid_authorization(&format!(
                ": the signed header `{}` is not in the request",
                excerpt(trimmed)
            ))
        })?;
        signed.push((name, value));
    }
    Ok(Tc3Head {
        key,
        auth,
        timestamp,
        signed,
        has_content_type: headers.contains_key("content-type"),
        unsigned_payload: header(headers, "x-tc-content-sha256")
            .is_some_and(|v| v.trim() == UNSIGNED_PAYLOAD),
        token: header(headers, "x-tc-token"),
    })
}

/// SHA-256 (hex) of the canonical request, hashed as it is written (no
/// copy of the headers is made): the headers lower-cased and trimmed, the
/// signed `host` replaced by `host` if given.
fn canonical_hash(
    method: &str,
    query: &str,
    signed: &[(&str, &str)],
    host: Option<&str>,
    payload_sha256: &str,
) -> String {
    fn lower(h: &mut Sha256, s: &str) {
        let mut buf = [0u8; 256];
        for chunk in s.trim().as_bytes().chunks(buf.len()) {
            let b = &mut buf[..chunk.len()];
            b.copy_from_slice(chunk);
            b.make_ascii_lowercase();
            h.update(&*b);
        }
    }
    let mut h = Sha256::new();
    for part in [method, "\n/\n", query, "\n"] {
        h.update(part);
    }
    for &(name, value) in signed {
        lower(&mut h, name);
        h.update(":");
        lower(&mut h, host.filter(|_| is_host(name)).unwrap_or(value));
        h.update("\n");
    }
    h.update("\n");
    for (i, &(name, _)) in signed.iter().enumerate() {
        if i > 0 {
            h.update(";");
        }
        lower(&mut h, name);
    }
    h.update("\n");
    h.update(payload_sha256);
    format!("{:x}", h.finalize())
}

fn is_host(name: &str) -> bool {
    name.trim().eq_ignore_ascii_case("host")
}

impl Tc3Head<'_> {
    /// Checks the TC3 signature over the headers the client says it
    /// signed, the method, the canonical query string (the query string
    /// as sent, for `GET`) and the body.
    ///
    /// Header names and values are canonical lower-cased and trimmed. The
    /// signed `host` may be the `Host` header as sent or, unless the mock is
    /// strict about it, that value without the mock's `:port` (what the Node
    /// SDK signs). With `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` the body is
    /// not signed.
    ///
    /// The scope must name the service the request reached (`route`, an
    /// index into the served services; `None`: none of them).
    pub(crate) fn verify(
        &self,
        shared: &Shared,
        method: &str,
        query: &str,
        body: &[u8],
        route: Option<usize>,
    ) -> Result<Credentials, ApiError> {
        let auth = &self.auth;
        let payload = if self.unsigned_payload {
            signing::sha256_hex(UNSIGNED_PAYLOAD.as_bytes())
        } else {
            signing::sha256_hex(body)
        };
        let key = signing::derive_key(self.key.secret_key(), auth.date, auth.service);
        let matches = |host: Option<&str>| {
            let string_to_sign = format!(
                "{}\n{}\n{}/{}/tc3_request\n{}",
                signing::ALGORITHM,
                self.timestamp,
                auth.date,
                auth.service,
                canonical_hash(method, query, &self.signed, host, &payload)
            );
            signing::hmac_hex(&key, string_to_sign.as_bytes()) == auth.signature
        };
        // The same host without the port the mock listens on.
        let suffix = format!(":{}", shared.port);
        let bare = self
            .signed
            .iter()
            .find(|(name, _)| is_host(name))
            .and_then(|(_, value)| value.trim().strip_suffix(suffix.as_str()))
            .filter(|_| !shared.strict_host);
        let signature_ok = matches(None) || bare.is_some_and(|bare| matches(Some(bare)));
        let date_ok = auth.date == signing::utc_date(self.timestamp);
        let is_signed = |want: &str| {
            self.signed
                .iter()
                .any(|&(h, _)| h.trim().eq_ignore_ascii_case(want))
        };
        // `host` always; `content-type` whenever the request has one.
        let signed_basics =
            is_signed("host") && (!self.has_content_type || is_signed("content-type"));
        let valid = date_ok && signed_basics && signature_ok;
        let reached = route.and_then(|i| shared.services.get(i));
        if valid && reached.is_none_or(|s| s.info.signing_service != auth.service) {
            // Signed right, for another service: say which, as nothing else would.
            return Err(wrong_scope(
                shared,
                auth.service,
                reached.map(|s| s.info.name),
            ));
        }
        signed_by(&self.key, valid, self.token)
    }
}

/// The service of a TC3 request's credential scope, if it has a well-formed one.
pub(crate) fn scope_service(headers: &HeaderMap) -> Option<&str> {
    header(headers, "authorization")
        .and_then(parse_authorization)
        .map(|a| a.service)
}

fn wrong_scope(shared: &Shared, scope: &str, reached: Option<&str>) -> ApiError {
    let message = match reached {
        Some(reached) => format!(
            "The credential scope names the service `{}`, but the request reached the \
             service `{reached}`: sign for `{reached}`.",
            excerpt(scope)
        ),
        None => format!(
            "The credential scope names the service `{}`, which this server does not \
             serve (it serves {}).",
            excerpt(scope),
            shared.services.listed()
        ),
    };
    ApiError::new("AuthFailure.SignatureFailure", message)
}

/// The common parameters that name the action, whether TC3 headers
/// (`X-TC-Action`, ...) or v1 parameters (`Action`, ...).
pub(crate) struct Common<'a> {
    pub action: Option<&'a str>,
    pub version: Option<&'a str>,
    pub region: Option<&'a str>,
}

impl<'a> Common<'a> {
    pub(crate) fn from_headers(headers: &'a HeaderMap) -> Self {
        Common {
            action: header(headers, "x-tc-action"),
            version: header(headers, "x-tc-version"),
            region: header(headers, "x-tc-region"),
        }
    }
}

/// The common parameters of a v1 request: signed, but not the action's.
pub(crate) const V1_COMMON: &[&str] = &[
    "Action",
    "Version",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "Signature",
    "SignatureMethod",
    "Token",
    "Language",
    "RequestClient",
];

/// The first value of parameter `name` among decoded pairs.
pub(crate) fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Checks a v1 signature (`HmacSHA1`, or `HmacSHA256` when
/// `SignatureMethod` says so), as the official SDKs make it: base64 of the
/// HMAC under the secret key of `METHOD` + host + `/` + `?` + every
/// parameter but `Signature` as `key=value` (decoded values, `_` in keys
/// read as `.`), sorted by key and joined by `&`. The host is the `Host`
/// header, or (unless strict) that value without the mock's port.
/// The end of both signing methods' checks: the signature held, and the
/// session token is the key's (or neither has one).
fn signed_by(
    key: &Credentials,
    signature_ok: bool,
    token: Option<&str>,
) -> Result<Credentials, ApiError> {
    if !signature_ok {
        return Err(ApiError::new(
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated. Please check your signature is correct.",
        ));
    }
    match (key.token(), token) {
        (None, None) => Ok(key.clone()),
        (Some(want), Some(got)) if want == got => Ok(key.clone()),
        _ => Err(ApiError::new(
            "AuthFailure.TokenFailure",
            "The session token is invalid.",
        )),
    }
}

pub(crate) fn authenticate_v1(
    shared: &Shared,
    method: &str,
    headers: &HeaderMap,
    pairs: &[(String, String)],
    now: u64,
) -> Result<Credentials, ApiError> {
    let missing = |name: &str| {
        ApiError::new(
            "MissingParameter",
            format!("The request is missing a required parameter `{name}`."),
        )
    };
    let signature = param(pairs, "Signature").ok_or_else(|| {
        ApiError::new(
            "AuthFailure.InvalidAuthorization",
            "The request carries neither a TC3-HMAC-SHA256 Authorization header nor a v1 `Signature` parameter.",
        )
    })?;
    let secret_id = param(pairs, "SecretId").ok_or_else(|| missing("SecretId"))?;
    let key = shared.key(secret_id)?;
    fresh_timestamp(shared, param(pairs, "Timestamp"), now)?;
    let nonce = param(pairs, "Nonce")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| missing("Nonce"))?;
    // A random positive integer, documented; the official SDKs send at
    // most 64 bits of it (0 is let through: a random draw may give it).
    if !nonce.bytes().all(|b| b.is_ascii_digit()) || nonce.parse::<u64>().is_err() {
        return Err(ApiError::new(
            "InvalidParameterValue",
            format!(
                "The parameter `Nonce` must be a positive integer of at most 64 bits, not `{}`.",
                excerpt(nonce)
            ),
        ));
    }
    let sha256 = match param(pairs, "SignatureMethod") {
        None | Some("HmacSHA1") => false,
        Some("HmacSHA256") => true,
        Some(other) => {
            return Err(ApiError::new(
                "InvalidParameterValue",
                format!(
                    "The SignatureMethod `{}` is not supported: use HmacSHA1 or HmacSHA256.",
                    excerpt(other)
                ),
            ));
        }
    };
    let mut signed: Vec<(String, &str)> = pairs
        .iter()
        .filter(|(k, _)| k != "Signature")
        .map(|(k, v)| (k.replace('_', "."), v.as_str()))
        .collect();
    signed.sort_by(|a, b| a.0.cmp(&b.0));
    let joined = signed
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let host = header(headers, "host").unwrap_or_default().trim();
    let matches = |host: &str| {
        let string_to_sign = format!("{method}{host}/?{joined}");
        v1_signature(key.secret_key(), &string_to_sign, sha256) == signature
    };
    let suffix = format!(":{}", shared.port);
    let bare = host
        .strip_suffix(suffix.as_str())
        .filter(|_| !shared.strict_host);
    signed_by(
        &key,
        matches(host) || bare.is_some_and(matches),
        param(pairs, "Token"),
    )
}

/// The action of `service`, after the version and region checks.
pub(crate) fn operation(
    service: &ServiceInfo,
    common: &Common<'_>,
) -> Result<&'static OperationInfo, ApiError> {
    let action = named_action(common)?;
    let op = service.operation(action).ok_or_else(|| {
        ApiError::new(
            "InvalidAction",
            format!("The action `{}` does not exist.", excerpt(action)),
        )
    })?;
    match common.version {
        None | Some("") => Err(ApiError::new(
            "MissingParameter",
            "The request is missing a required parameter `Version`.",
        )),
        Some(v) if v != service.version => Err(ApiError::new(
            "NoSuchVersion",
            format!(
                "The API version `{}` does not exist for the service `{}` (its version is {}).",
                excerpt(v),
                service.name,
                service.version
            ),
        )),
        Some(_) => match common.region {
            None | Some("") => Err(ApiError::new(
                "MissingParameter",
                "The request is missing a required parameter `Region`.",
            )),
            Some(_) => Ok(op),
        },
    }
}

fn named_action<'a>(common: &Common<'a>) -> Result<&'a str, ApiError> {
    common.action.filter(|a| !a.is_empty()).ok_or_else(|| {
        ApiError::new(
            "MissingParameter",
            "The request is missing a required parameter `Action`.",
        )
    })
}

/// Why a request that names none of the services served (only a v1
/// request gets this far: a TC3 scope is checked first) is refused: its
/// `Version` is missing or none of theirs.
pub(crate) fn unrouted(shared: &Shared, common: &Common<'_>) -> ApiError {
    if let Err(e) = named_action(common) {
        return e;
    }
    match common.version {
        None | Some("") => ApiError::new(
            "MissingParameter",
            "The request is missing a required parameter `Version`.",
        ),
        Some(v) => ApiError::new(
            "NoSuchVersion",
            format!(
                "The API version `{}` does not exist: this server serves {}.",
                excerpt(v),
                shared.services.listed()
            ),
        ),
    }
}

/// The content type must fit the method, as the service documents: a TC3
/// `POST` carries `application/json`, a `GET` carries
/// `application/x-www-form-urlencoded` or none. Anything else is
/// `InvalidParameter` (the body cannot be read as the action's parameters).
pub(crate) fn content_type(method: &str, headers: &HeaderMap) -> Result<(), ApiError> {
    let sent = header(headers, "content-type");
    let media = sent.map(|ct| {
        ct.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    match (method, media.as_deref()) {
        ("POST", Some("application/json")) => Ok(()),
        ("GET", None | Some("application/x-www-form-urlencoded")) => Ok(()),
        _ => Err(ApiError::new(
            "InvalidParameter",
            format!(
                "The Content-Type `{}` is not supported for {method} with TC3-HMAC-SHA256: \
                 POST takes `application/json`, GET `application/x-www-form-urlencoded` or none.",
                excerpt(sent.unwrap_or(""))
            ),
        )),
    }
}

/// A v1 request's content type: none or `application/x-www-form-urlencoded`
/// for `GET` (the Python SDK sends the latter), the latter for `POST`.
pub(crate) fn content_type_v1(method: &str, headers: &HeaderMap) -> Result<(), ApiError> {
    match (method, header(headers, "content-type")) {
        ("GET", None) => Ok(()),
        (_, Some(ct))
            if ct
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded") =>
        {
            Ok(())
        }
        (_, ct) => Err(ApiError::new(
            "InvalidParameter",
            format!(
                "The Content-Type `{}` is not supported for {method} with a v1 signature: \
                 use `application/x-www-form-urlencoded`.",
                excerpt(ct.unwrap_or(""))
            ),
        )),
    }
}

/// Decodes a `GET` query string (`MNPId=...&List.0.Name=...`) into the
/// JSON request the `POST` form gives: members are found by name in the
/// action's parameters, lists by index, and scalars, which arrive as
/// strings, are read as their parameter's type.
pub(crate) fn decode_query(params: &'static [Param], query: &str) -> Result<Value, ApiError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    decode_pairs(params, pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// A request being decoded from flattened pairs. A list keeps only the
/// items named, by index: `List.10000` costs one entry, not its 10,000
/// predecessors, so decoding costs memory and time in proportion to the
/// pairs sent, whatever indices they name. Gaps are refused at the end.
enum Node {
    Unset,
    Scalar(Value),
    List(BTreeMap<usize, Node>),
    /// Members in arrival order; an object has few.
    Object(Vec<(&'static str, Node)>),
}

/// The most `.`-separated parts a parameter's name may have: decoding
/// recurses once per part, and a recursive object type would allow any.
const MAX_DEPTH: usize = 32;

/// [`decode_query`] for pairs already decoded.
pub(crate) fn decode_pairs<'a>(
    params: &'static [Param],
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<Value, ApiError> {
    let mut root: Vec<(&'static str, Node)> = Vec::new();
    for (key, raw) in pairs {
        let path: Vec<&str> = key.split('.').take(MAX_DEPTH + 1).collect();
        if path.len() > MAX_DEPTH {
            return Err(ApiError::new(
                "InvalidParameter",
                format!(
                    "The parameter `{}` is nested more than {MAX_DEPTH} levels deep.",
                    excerpt(key)
                ),
            ));
        }
        let first = path.first().copied().unwrap_or_default();
        let param = params.iter().find(|p| p.name == first).ok_or_else(|| {
            ApiError::new(
                "UnknownParameter",
                format!("The parameter `{}` is not recognized.", excerpt(key)),
            )
        })?;
        place(&param.ty, member(&mut root, param.name), &path, 1, raw)?;
    }
    object_value(root, "")
}

/// The node of member `name`, added if new.
fn member<'n>(members: &'n mut Vec<(&'static str, Node)>, name: &'static str) -> &'n mut Node {
    let at = match members.iter().position(|(n, _)| *n == name) {
        Some(at) => at,
        None => {
            members.push((name, Node::Unset));
            members.len() - 1
        }
    };
    &mut members[at].1
}

/// Places `raw` at `path[at..]` below `node`, of type `ty`; `path[..at]`
/// names `node` (joined only for an error message).
fn place(
    ty: &ParamType,
    node: &mut Node,
    path: &[&str],
    at: usize,
    raw: &str,
) -> Result<(), ApiError> {
    let name = || path[..at].join(".");
    let invalid = |what: String| ApiError::new("InvalidParameter", what);
    let twice = || {
        invalid(format!(
            "The parameter `{}` is given twice.",
            excerpt(&name())
        ))
    };
    let unknown = |upto: usize| {
        ApiError::new(
            "UnknownParameter",
            format!(
                "The parameter `{}` is not recognized.",
                excerpt(&path[..upto].join("."))
            ),
        )
    };
    match ty {
        ParamType::List(inner) => {
            let index = path
                .get(at)
                .and_then(|i| i.parse::<usize>().ok())
                .ok_or_else(|| {
                    let name = excerpt(&name());
                    invalid(format!(
                        "The parameter `{name}` is a list: name its items `{name}.0`, `{name}.1`, …"
                    ))
                })?;
            if matches!(node, Node::Unset) {
                *node = Node::List(BTreeMap::new());
            }
            let Node::List(items) = node else {
                return Err(twice());
            };
            let item = items.entry(index).or_insert(Node::Unset);
            place(inner, item, path, at + 1, raw)
        }
        ParamType::Object(schema) => {
            let Some(&wanted) = path.get(at) else {
                let name = excerpt(&name());
                return Err(invalid(format!(
                    "The parameter `{name}` is an object: name its members `{name}.Member`."
                )));
            };
            let param = schema
                .members
                .iter()
                .find(|p| p.name == wanted)
                .ok_or_else(|| unknown(at + 1))?;
            if matches!(node, Node::Unset) {
                *node = Node::Object(Vec::new());
            }
            let Node::Object(members) = node else {
                return Err(twice());
            };
            place(&param.ty, member(members, param.name), path, at + 1, raw)
        }
        scalar => {
            if path.len() > at {
                return Err(unknown(at + 1));
            }
            if !matches!(node, Node::Unset) {
                return Err(twice());
            }
            *node = Node::Scalar(coerce(scalar, raw).ok_or_else(|| {
                invalid(format!(
                    "The parameter `{}` must be {}.",
                    excerpt(&name()),
                    type_name(scalar)
                ))
            })?);
            Ok(())
        }
    }
}

/// The JSON of a decoded node named `name`: lists must number their items
/// from 0 without gaps.
fn value(node: Node, name: &str) -> Result<Value, ApiError> {
    match node {
        Node::Unset => Ok(Value::Null),
        Node::Scalar(v) => Ok(v),
        Node::Object(members) => object_value(members, &format!("{name}.")),
        Node::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (expected, (index, item)) in items.into_iter().enumerate() {
                if index != expected {
                    return Err(ApiError::new(
                        "InvalidParameter",
                        format!(
                            "The parameter `{}` names item {index} but not item {expected}: \
                             list items are numbered from 0 without gaps.",
                            excerpt(name)
                        ),
                    ));
                }
                out.push(value(item, &format!("{name}.{index}"))?);
            }
            Ok(Value::Array(out))
        }
    }
}

fn object_value(members: Vec<(&'static str, Node)>, prefix: &str) -> Result<Value, ApiError> {
    let mut map = Map::new();
    for (name, node) in members {
        map.insert(name.to_owned(), value(node, &format!("{prefix}{name}"))?);
    }
    Ok(Value::Object(map))
}

/// A query string value read as a scalar parameter's type.
fn coerce(ty: &ParamType, raw: &str) -> Option<Value> {
    match ty {
        ParamType::String => Some(Value::String(raw.to_owned())),
        ParamType::Int64 => raw.parse::<i64>().ok().map(Value::from),
        ParamType::Uint64 => raw.parse::<u64>().ok().map(Value::from),
        ParamType::Float => raw
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        ParamType::Bool => match raw.to_ascii_lowercase().as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        ParamType::List(_) | ParamType::Object(_) => None,
    }
}

fn type_name(ty: &ParamType) -> &'static str {
    match ty {
        ParamType::String => "a string",
        ParamType::Int64 => "an integer",
        ParamType::Uint64 => "a non-negative integer",
        ParamType::Float => "a number",
        ParamType::Bool => "a boolean",
        ParamType::List(_) => "an array",
        ParamType::Object(_) => "an object",
    }
}

/// Checks a body against the action's members: unknown, missing and
/// mistyped parameters, recursively.
pub(crate) fn check_params(params: &[Param], body: &Value) -> Result<(), ApiError> {
    match body {
        Value::Object(map) => check_object(params, map, ""),
        _ => Err(ApiError::new(
            "InvalidParameter",
            "The request body must be a JSON object.",
        )),
    }
}

fn check_object(params: &[Param], map: &Map<String, Value>, prefix: &str) -> Result<(), ApiError> {
    for key in map.keys() {
        if !params.iter().any(|p| p.name == key) {
            return Err(ApiError::new(
                "UnknownParameter",
                format!(
                    "The parameter `{}` is not recognized.",
                    excerpt(&format!("{prefix}{key}"))
                ),
            ));
        }
    }
    for p in params {
        let name = format!("{prefix}{}", p.name);
        match map.get(p.name) {
            None | Some(Value::Null) if p.required => {
                return Err(ApiError::new(
                    "MissingParameter",
                    format!("The request is missing a required parameter `{name}`."),
                ));
            }
            None | Some(Value::Null) => {}
            Some(v) => check_value(&p.ty, v, &name)?,
        }
    }
    Ok(())
}

fn check_value(ty: &ParamType, v: &Value, name: &str) -> Result<(), ApiError> {
    let (ok, what) = match ty {
        ParamType::String => (v.is_string(), "a string"),
        ParamType::Int64 => (v.is_i64(), "an integer"),
        ParamType::Uint64 => (v.is_u64(), "a non-negative integer"),
        ParamType::Float => (v.is_number(), "a number"),
        ParamType::Bool => (v.is_boolean(), "a boolean"),
        ParamType::List(inner) => match v.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_value(inner, item, &format!("{name}.{i}"))?;
                }
                (true, "")
            }
            None => (false, "an array"),
        },
        ParamType::Object(schema) => match v.as_object() {
            Some(map) => return check_object(schema.members, map, &format!("{name}.")),
            None => (false, "an object"),
        },
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            "InvalidParameter",
            format!("The parameter `{name}` must be {what}."),
        ))
    }
}

/// A TC3 `POST` body as JSON, refusing a member named twice in one object
/// (`serde_json` would keep the last silently: the request would mean
/// one thing to a reader and another to the mock).
pub(crate) fn json_body(body: &[u8]) -> Result<Value, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde::Deserialize::deserialize(&mut de)
        .and_then(|Strict(v)| de.end().map(|()| v))
        .map_err(|e| {
            ApiError::new(
                "InvalidParameter",
                format!("The request body is not valid JSON: {e}"),
            )
        })?;
    Ok(value)
}

/// A JSON value whose objects name each member once.
struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let Strict(v) = map.next_value()?;
            if members.contains_key(&key) {
                return Err(serde::de::Error::custom(format_args!(
                    "the member `{}` is given twice",
                    excerpt(&key)
                )));
            }
            members.insert(key, v);
        }
        Ok(Value::Object(members))
    }
}

/// A v1 signature (`HmacSHA256` if `sha256`, else `HmacSHA1`): base64 of
/// the HMAC of `string_to_sign` (`POST` or `GET`, host, path, `?`, the
/// sorted `key=value` parameters joined by `&`) under the secret key.
pub fn v1_signature(secret_key: &str, string_to_sign: &str, sha256: bool) -> String {
    use base64::Engine as _;
    let (key, data) = (secret_key.as_bytes(), string_to_sign.as_bytes());
    let mac = if sha256 {
        hmac::<Hmac<sha2::Sha256>>(key, data)
    } else {
        hmac::<Hmac<sha1::Sha1>>(key, data)
    };
    base64::engine::general_purpose::STANDARD.encode(mac)
}

/// The MAC `M` (an `Hmac<digest>`) of `data` under `key`.
fn hmac<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length: the error branch is never taken.
    <M as Mac>::new_from_slice(key)
        .map(|m| m.chain_update(data).finalize().into_bytes().to_vec())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The official Python SDK (3.1.193) signed these: `AddTeamMember` with
    /// endpoint `127.0.0.1:8080`, Nonce 11886, Timestamp 1724142147.
    #[test]
    fn v1_signatures_match_the_python_sdk() {
        let params = "Action=AddTeamMember&Language=en-US&MemberList.0.UserId=U 1\
            &MemberList.0.UserRoleId=20070&Nonce=11886&PlatformId=T04257DS9431720WTAG\
            &Region=ap-singapore&RequestClient=SDK_PYTHON_3.1.193&SecretId=AKIDEXAMPLE\
            &SignatureMethod=HmacSHA1&TeamId=3686677859&Timestamp=1724142147&Version=2024-08-01";
        let get = format!("GET127.0.0.1:8080/?{params}");
        assert_eq!(
            v1_signature("SECRETEXAMPLE", &get, false),
            "TfmZ0StAK02HhxH48fDTAuLCNF4="
        );
        let post = format!("POST127.0.0.1:8080/?{params}").replace("HmacSHA1", "HmacSHA256");
        assert_eq!(
            v1_signature("SECRETEXAMPLE", &post, true),
            "kQptOWNVQkmHFnHMQyxSR62BRGAnSRV6zuZiis4aykk="
        );
        assert_ne!(
            v1_signature("SECRETEXAMPLE", &get, true),
            "TfmZ0StAK02HhxH48fDTAuLCNF4="
        );
    }
}
