//! Every action of every service imported (TCMPP's 104, TCSAS's 155): each
//! generated operations table is exactly Tencent's `api.json`, and every
//! action's example goes through its typed decoder, against the test
//! server, through the real client.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::any::Any;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::fs;
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::{Map, Value, json};
use tcmpp_tests::workspace_root;
use tencentcloud_mock::{MockServer, MockServerBuilder};
use tencentcloud_runtime::operation::{Operation, OperationInfo, Param, ParamType, ServiceInfo};
use tencentcloud_runtime::{Client, ClientBuilder, RateLimit, RetryConfig};

/// The actions with hand-written, stateful mock handlers (in both services).
const SEEDED: [&str; 2] = ["CreateMNPVersion", "DescribeMNPAllStageVersions"];

/// What one service's import is known to hold.
struct Case {
    service: ServiceInfo,
    /// Its `api.json`, as vendored.
    api_json: &'static str,
    actions: usize,
    /// Actions whose upstream request example is unusable (see the notes of
    /// `cargo xtask import`): sent with placeholders for their required members.
    no_example_request: &'static [&'static str],
    /// Actions whose upstream answer example is not JSON (left out by the
    /// import): their answers are decoded, not compared.
    no_example_answer: &'static [&'static str],
    /// One request member upstream marks disabled, which the table leaves out.
    disabled: &'static str,
}

const TCMPP: Case = Case {
    service: tcmpp_api::SERVICE,
    api_json: "spec/upstream/tccli-intl-en/tcmpp/v20240801/api.json",
    actions: 104,
    no_example_request: &["DescribeTempSecret4UploadFile2Cos", "ModifyMNPDomain"],
    no_example_answer: &[],
    disabled: "ModifyUser.UserAccount",
};

const TCSAS: Case = Case {
    service: tcsas_api::SERVICE,
    api_json: "spec/upstream/tccli-intl-en/tcsas/v20250106/api.json",
    actions: 155,
    // The four whose answer example is not JSON lost their whole example.
    no_example_request: &[
        "DescribeMNGVersionAuditDetail",
        "DescribeMNP",
        "DescribeMNPSubscribeMessageTemplate",
        "DescribeMNPSubscribeMessageTemplateLibrary",
        "ModifyMNPDomain",
    ],
    no_example_answer: &[
        "DescribeMNGVersionAuditDetail",
        "DescribeMNP",
        "DescribeMNPSubscribeMessageTemplate",
        "DescribeMNPSubscribeMessageTemplateLibrary",
    ],
    disabled: "CreateApplication.ApplicationType",
};

fn api_json(case: &Case) -> Value {
    let path = workspace_root().join(case.api_json);
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

// ---------------------------------------------------------------------------
// OPERATIONS == api.json

#[test]
fn operations_hold_exactly_the_actions_of_api_json() {
    operations_are_api_json(&TCMPP);
    operations_are_api_json(&TCSAS);
}

fn operations_are_api_json(case: &Case) {
    let operations = case.service.operations;
    let api = api_json(case);
    let upstream: BTreeSet<&str> = api["actions"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let ours: BTreeSet<&str> = operations.iter().map(|o| o.action).collect();
    assert_eq!(
        ours.len(),
        operations.len(),
        "an action is listed twice in OPERATIONS"
    );
    let missing: Vec<_> = upstream.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&upstream).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "not in OPERATIONS: {missing:?}; not in api.json: {extra:?}"
    );
    assert_eq!(operations.len(), case.actions);
}

/// The members of an api.json object that are not `disabled`.
fn enabled_members<'a>(api: &'a Value, object: &str) -> Vec<&'a Value> {
    api["objects"][object]["members"]
        .as_array()
        .unwrap_or_else(|| panic!("api.json has no object {object}"))
        .iter()
        .filter(|m| m["disabled"] != Value::Bool(true))
        .collect()
}

/// Compares one member list with api.json's, object types recursively
/// (each object once), collecting every difference.
struct Compare<'a> {
    api: &'a Value,
    seen: BTreeSet<&'static str>,
    problems: Vec<String>,
    members: usize,
}

impl Compare<'_> {
    fn members(&mut self, path: &str, ours: &'static [Param], object: &str) {
        let theirs = enabled_members(self.api, object);
        let got: Vec<(&str, bool)> = ours.iter().map(|p| (p.name, p.required)).collect();
        let want: Vec<(&str, bool)> = theirs
            .iter()
            .map(|m| {
                let name = m["name"].as_str().unwrap_or_default();
                (name, m["required"] == Value::Bool(true))
            })
            .collect();
        if got != want {
            self.problems.push(format!(
                "{path}: (name, required) are\n    {got:?}\n  api.json (minus disabled) has\n    {want:?}"
            ));
        }
        // Types, for the members both have.
        for p in ours {
            let Some(m) = theirs.iter().find(|m| m["name"] == p.name) else {
                continue;
            };
            self.members += 1;
            let ty = m["type"].as_str().unwrap_or_default();
            let member = m["member"].as_str().unwrap_or_default();
            let at = format!("{path}.{}", p.name);
            match (ty, &p.ty) {
                ("list", ParamType::List(inner)) => self.scalar_or_object(&at, inner, member),
                ("list", other) => self
                    .problems
                    .push(format!("{at}: api.json has a list, OPERATIONS {other:?}")),
                (_, ParamType::List(_)) => self
                    .problems
                    .push(format!("{at}: OPERATIONS has a list, api.json {ty}")),
                _ => self.scalar_or_object(&at, &p.ty, member),
            }
        }
    }

    fn scalar_or_object(&mut self, at: &str, ty: &'static ParamType, member: &str) {
        let ok = match (ty, member) {
            (ParamType::String, "string" | "datetime" | "datetime_iso" | "date")
            | (ParamType::Int64, "int64")
            | (ParamType::Uint64, "uint64")
            | (ParamType::Float, "float")
            | (ParamType::Bool, "bool") => true,
            (ParamType::Object(schema), object) if schema.name == object => {
                if self.seen.insert(schema.name) {
                    self.members(schema.name, schema.members, object);
                }
                true
            }
            _ => false,
        };
        if !ok {
            let ours = match ty {
                ParamType::Object(s) => format!("object {}", s.name),
                other => format!("{other:?}"),
            };
            self.problems
                .push(format!("{at}: OPERATIONS has {ours}, api.json {member}"));
        }
    }
}

#[test]
fn request_members_are_the_api_json_inputs_minus_disabled_ones() {
    request_members_are_api_json(&TCMPP);
    request_members_are_api_json(&TCSAS);
}

fn request_members_are_api_json(case: &Case) {
    let api = api_json(case);
    let mut cmp = Compare {
        api: &api,
        seen: BTreeSet::new(),
        problems: Vec::new(),
        members: 0,
    };
    let mut disabled = Vec::new();
    for op in case.service.operations {
        let Some(input) = api["actions"][op.action]["input"].as_str() else {
            cmp.problems
                .push(format!("{}: no input object in api.json", op.action));
            continue;
        };
        for m in api["objects"][input]["members"].as_array().unwrap() {
            if m["disabled"] == Value::Bool(true) {
                disabled.push(format!("{}.{}", op.action, m["name"].as_str().unwrap()));
            }
        }
        cmp.members(&format!("{}.request", op.action), op.request, input);
    }
    assert!(
        cmp.problems.is_empty(),
        "{} differences:\n{}",
        cmp.problems.len(),
        cmp.problems.join("\n")
    );
    // Upstream marks this member disabled: the comparison above only holds
    // because the table leaves it out.
    assert!(disabled.contains(&case.disabled.to_owned()), "{disabled:?}");
    println!(
        "{}: {} actions, {} request members (nested objects included, {} objects), {} disabled left out",
        case.service.name,
        case.service.operations.len(),
        cmp.members,
        cmp.seen.len(),
        disabled.len()
    );
}

// ---------------------------------------------------------------------------
// Every example through the typed client

/// State of the sweep over every action.
struct Sweep {
    client: Client,
    case: &'static Case,
    /// Actions checked, in order.
    checked: Vec<&'static str>,
    /// Actions sent with placeholder parameters.
    placeholders: Vec<&'static str>,
    /// Actions whose wire answer was compared with their example.
    compared: usize,
    /// The seeded actions' typed outputs.
    outputs: BTreeMap<&'static str, Box<dyn Any + Send>>,
    problems: Vec<String>,
}

impl Sweep {
    fn problem(&mut self, p: String) {
        self.problems.push(p);
    }
}

fn info(case: &Case, action: &str) -> Option<&'static OperationInfo> {
    case.service.operations.iter().find(|o| o.action == action)
}

/// A value of the right type for `ty`, with the required members of
/// objects (lists get one element, so nested required members are sent).
fn placeholder(ty: &ParamType, depth: usize) -> Value {
    match ty {
        ParamType::String => json!("placeholder"),
        ParamType::Int64 | ParamType::Uint64 => json!(1),
        ParamType::Float => json!(1.5),
        ParamType::Bool => json!(true),
        ParamType::List(_) if depth > 8 => json!([]),
        ParamType::List(inner) => json!([placeholder(inner, depth + 1)]),
        ParamType::Object(schema) => required_members(schema.members, depth + 1),
    }
}

fn required_members(params: &[Param], depth: usize) -> Value {
    let map: Map<String, Value> = params
        .iter()
        .filter(|p| p.required)
        .map(|p| (p.name.to_owned(), placeholder(&p.ty, depth)))
        .collect();
    Value::Object(map)
}

fn without_request_id(mut v: Value) -> Value {
    if let Some(m) = v.as_object_mut() {
        m.remove("RequestId");
    }
    v
}

/// `action`'s example request, parsed.
fn example_request(case: &Case, action: &str) -> Value {
    serde_json::from_str(info(case, action).unwrap().example_request.unwrap()).unwrap()
}

/// CreateMNPVersion's example request for the mini program and platform
/// of DescribeMNPAllStageVersions's example (TCSAS's two examples name
/// different ones), so that the describe lists what the create made.
fn create_body(case: &Case) -> Value {
    let mut create = example_request(case, SEEDED[0]);
    let describe = example_request(case, SEEDED[1]);
    for id in ["MNPId", "PlatformId"] {
        create[id] = describe[id].clone();
    }
    create
}

/// Sends `O`'s example request (or placeholders) through
/// `Client::call_body::<O>`, decodes the answer with `O`'s typed decoder,
/// and compares it with the example's answer.
async fn check<O: Operation>(sweep: &mut Sweep, request_id: fn(&mut O::Output) -> &mut String)
where
    O::Output: PartialEq + Debug + Send + 'static,
{
    let action = O::ACTION;
    let Some(info) = info(sweep.case, action) else {
        sweep.problem(format!("{action}: not in the operations table"));
        return;
    };
    let body = match info.example_request {
        Some(_) if action == SEEDED[0] => create_body(sweep.case),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(v) => v,
            Err(e) => return sweep.problem(format!("{action}: example request: {e}")),
        },
        None => {
            sweep.placeholders.push(action);
            required_members(info.request, 0)
        }
    };
    let bytes = Bytes::from(serde_json::to_vec(&body).unwrap());
    let mut out = match sweep.client.call_body::<O>(bytes).await {
        Ok(out) => out,
        Err(e) => {
            return sweep.problem(format!(
                "{action}: typed call failed: {e} (code {:?}, body {body})",
                e.code()
            ));
        }
    };
    sweep.checked.push(action);
    let id = request_id(&mut out).clone();
    if id.is_empty() {
        sweep.problem(format!("{action}: empty request_id"));
    }
    if SEEDED.contains(&action) {
        sweep.outputs.insert(action, Box::new(out));
        return;
    }
    let Some(example) = info.example_response else {
        if !sweep.case.no_example_answer.contains(&action) {
            sweep.problem(format!("{action}: no example answer"));
        }
        return;
    };
    // The typed output is the example's answer decoded the same way.
    match tencentcloud_runtime::__private::decode_response::<O>(
        200,
        Some("application/json".to_owned()),
        Bytes::from_static(example.as_bytes()),
    ) {
        Ok(mut expected) => {
            *request_id(&mut expected) = id;
            if expected != out {
                sweep.problem(format!(
                    "{action}: typed answer differs from the example's\n  mock:    {out:?}\n  example: {expected:?}"
                ));
            }
        }
        Err(e) => sweep.problem(format!("{action}: the example answer does not decode: {e}")),
    }
    // The wire answer is the example's, RequestId aside.
    let want = serde_json::from_str::<Value>(example).unwrap()["Response"].clone();
    match sweep.client.call_json(action, &body).await {
        Ok(got) => {
            if without_request_id(got.clone()) == without_request_id(want) {
                sweep.compared += 1;
            } else {
                sweep.problem(format!(
                    "{action}: the mock's answer is not the example's: {got}"
                ));
            }
        }
        Err(e) => sweep.problem(format!("{action}: JSON call failed: {e}")),
    }
}

include!(concat!(env!("OUT_DIR"), "/every_action.rs"));

/// Sends every action of `case` through its typed decoder against a test
/// server of that service, and checks what every sweep must find.
async fn sweep(case: &'static Case) -> (Sweep, MockServer) {
    // Examples only: the resource families answer from their stores (tests/families.rs).
    let mock = MockServerBuilder::new(case.service)
        .resource_families(false)
        .start()
        .await
        .unwrap();
    let client = ClientBuilder::<Client>::new(case.service)
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .credentials(mock.credentials())
        .rate_limit(RateLimit::Off)
        .retry(RetryConfig::disabled())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut sweep = Sweep {
        client,
        case,
        checked: Vec::new(),
        placeholders: Vec::new(),
        compared: 0,
        outputs: BTreeMap::new(),
        problems: Vec::new(),
    };
    match case.service.name {
        "tcmpp" => check_every_tcmpp_action(&mut sweep).await,
        "tcsas" => check_every_tcsas_action(&mut sweep).await,
        other => panic!("no generated checks for {other}"),
    }
    assert!(
        sweep.problems.is_empty(),
        "{} problems:\n{}",
        sweep.problems.len(),
        sweep.problems.join("\n")
    );

    // Every action of the table was checked, once.
    let operations = case.service.operations;
    let checked: BTreeSet<&str> = sweep.checked.iter().copied().collect();
    let all: BTreeSet<&str> = operations.iter().map(|o| o.action).collect();
    assert_eq!(
        checked.len(),
        sweep.checked.len(),
        "an action checked twice"
    );
    assert_eq!(checked, all);
    assert_eq!(all.len(), case.actions);
    assert_eq!(sweep.placeholders, case.no_example_request);
    assert_eq!(
        sweep.compared,
        all.len() - SEEDED.len() - case.no_example_answer.len()
    );
    // The mock handled each call (a rejected parameter would be an error).
    for action in &all {
        let once = SEEDED.contains(action) || case.no_example_answer.contains(action);
        let want = if once { 1 } else { 2 };
        assert_eq!(mock.handled(action), want, "{action}");
    }
    assert!(mock.calls().iter().all(|c| c.handled));

    // The seeded actions: CreateMNPVersion (checked first, in spec order)
    // added a version that DescribeMNPAllStageVersions then lists.
    let create_at = sweep.checked.iter().position(|a| *a == SEEDED[0]);
    let describe_at = sweep.checked.iter().position(|a| *a == SEEDED[1]);
    assert!(create_at < describe_at);
    (sweep, mock)
}

/// The seeded actions' typed outputs: the created version is listed, in
/// the service's own types (each crate has its own).
macro_rules! created_version_is_listed {
    ($sweep:expr, $krate:ident) => {{
        use $krate::actions::create_mnp_version::CreateMnpVersionOutput;
        use $krate::actions::describe_mnp_all_stage_versions::DescribeMnpAllStageVersionsOutput;
        let sweep = &$sweep;
        let create_req = create_body(sweep.case);
        let describe_req = example_request(sweep.case, SEEDED[1]);
        let created = sweep.outputs[SEEDED[0]]
            .downcast_ref::<CreateMnpVersionOutput>()
            .unwrap();
        let task = created.data.as_ref().and_then(|d| d.task_id.as_deref());
        assert!(task.is_some_and(|t| !t.is_empty()), "{created:?}");
        let described = sweep.outputs[SEEDED[1]]
            .downcast_ref::<DescribeMnpAllStageVersionsOutput>()
            .unwrap();
        let versions = described.data.as_deref().unwrap_or_default();
        let seed: Value = serde_json::from_str(
            info(sweep.case, SEEDED[1])
                .unwrap()
                .example_response
                .unwrap(),
        )
        .unwrap();
        let seeded = seed["Response"]["Data"].as_array().unwrap().len();
        assert_eq!(versions.len(), seeded + 1, "{described:?}");
        assert!(
            versions
                .iter()
                .all(|v| v.mnp_id.as_deref() == describe_req["MNPId"].as_str()),
            "{described:?}"
        );
        let new = versions.last().unwrap();
        assert_eq!(
            new.mnp_version.as_deref(),
            create_req["MNPVersion"].as_str()
        );
        assert_eq!(
            new.mnp_version_intro.as_deref(),
            create_req["MNPVersionIntro"].as_str()
        );
        assert_eq!(new.phase, Some($krate::models::Phase::Develop));
    }};
}

fn report(sweep: &Sweep, mock: &MockServer, started: Instant) {
    println!(
        "{}: {} actions through their typed decoders ({} from example requests, {} with placeholders: {:?}); \
         {} answers equal to their example; {} calls in {:?}",
        sweep.case.service.name,
        sweep.checked.len(),
        sweep.checked.len() - sweep.placeholders.len(),
        sweep.placeholders.len(),
        sweep.placeholders,
        sweep.compared,
        mock.calls().len(),
        started.elapsed()
    );
}

#[tokio::test]
async fn every_tcmpp_example_decodes_through_the_typed_client_against_the_mock() {
    let started = Instant::now();
    let (sweep, mock) = sweep(&TCMPP).await;
    created_version_is_listed!(sweep, tcmpp_api);
    report(&sweep, &mock, started);
}

#[tokio::test]
async fn every_tcsas_example_decodes_through_the_typed_client_against_the_mock() {
    let started = Instant::now();
    let (sweep, mock) = sweep(&TCSAS).await;
    created_version_is_listed!(sweep, tcsas_api);
    report(&sweep, &mock, started);
}

/// What tcsas-api's README says of the two services: 59 of TCMPP's actions
/// exist in TCSAS under the same name, 11 of them with other request
/// members (names or required), TCSAS's CreateMNPVersion with five more.
#[test]
fn the_readme_comparison_of_tcmpp_and_tcsas_holds() {
    let members = |op: &OperationInfo| -> Vec<(&str, bool)> {
        op.request.iter().map(|p| (p.name, p.required)).collect()
    };
    let mut common = 0;
    let mut differ = Vec::new();
    for t in TCMPP.service.operations {
        let Some(s) = info(&TCSAS, t.action) else {
            continue;
        };
        common += 1;
        if members(t) != members(s) {
            differ.push(t.action);
        }
    }
    assert_eq!((common, differ.len()), (59, 11), "{differ:?}");
    let create = |case: &Case| members(info(case, "CreateMNPVersion").unwrap());
    let (old, new) = (create(&TCMPP), create(&TCSAS));
    let added: Vec<(&str, bool)> = new.iter().filter(|m| !old.contains(m)).copied().collect();
    assert_eq!(
        added,
        [
            ("VersionType", false),
            ("CompileCondition", false),
            ("CompileConfig", false),
            ("PipelineId", false),
            ("FileInnerUrl", false),
        ]
    );
}

/// Each crate's client defaults to its own service's host, as Tencent's
/// international SDKs do (tcsas-api's README).
#[test]
fn each_client_defaults_to_its_services_host() {
    let credentials = tencentcloud_mock::demo_credentials();
    let tcsas = tcsas_api::Client::builder()
        .region("ap-singapore")
        .credentials(credentials.clone())
        .build()
        .unwrap();
    assert_eq!(tcsas.endpoint(), "https://tcsas.intl.tencentcloudapi.com/");
    assert_eq!(tcsas.service().version, "2025-01-06");
    let tcmpp = tcmpp_api::Client::builder()
        .region("ap-singapore")
        .credentials(credentials)
        .build()
        .unwrap();
    assert_eq!(tcmpp.service().version, "2024-08-01");
    assert_ne!(tcmpp.endpoint(), tcsas.endpoint());
}
