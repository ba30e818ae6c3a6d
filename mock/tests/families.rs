//! The resource families: every table row checked against its service's
//! operations table, then driven through real HTTP (the runtime's JSON
//! client, the typed clients) in one loop over the tables: create, list,
//! describe, modify, delete, an unknown id; parents, the cap, the call
//! log's parameters and scripted answers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};
use tcmpp_api::models::TaskStatus;
use tcmpp_tests::calls::PLATFORM;
use tencentcloud_mock::families::{Family, families};
use tencentcloud_mock::{Answer, MockServer, MockServerBuilder};
use tencentcloud_runtime::operation::{OperationInfo, Param, ParamType, ServiceInfo};
use tencentcloud_runtime::{Client, ClientBuilder, RateLimit, RetryConfig};

const SERVICES: [ServiceInfo; 2] = [tcmpp_api::SERVICE, tcsas_api::SERVICE];

/// Whether `code` is one of `service`'s documented codes.
fn documented(service: &str, code: &str) -> bool {
    match service {
        "tcmpp" => {
            tcmpp_api::TcmppErrorKind::from_code(code) != tcmpp_api::TcmppErrorKind::Unhandled
        }
        "tcsas" => {
            tcsas_api::TcsasErrorKind::from_code(code) != tcsas_api::TcsasErrorKind::Unhandled
        }
        _ => false,
    }
}

fn op(service: &ServiceInfo, action: &str) -> &'static OperationInfo {
    service
        .operation(action)
        .unwrap_or_else(|| panic!("{}: no action {action}", service.name))
}

fn example(text: Option<&str>) -> Option<Value> {
    text.and_then(|t| serde_json::from_str(t).ok())
}

/// The value at a dotted path.
fn at<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |v, p| v.get(p))
}

fn param<'a>(op: &'a OperationInfo, name: &str) -> Option<&'a Param> {
    op.request.iter().find(|p| p.name == name)
}

/// The first item of a list's example, and the `Data` of a describe's.
fn templates(service: &ServiceInfo, family: &Family) -> Vec<Map<String, Value>> {
    let lists = family.lists.iter().filter_map(|a| {
        let op = op(service, a);
        let answer = example(op.example_response)?;
        at(&answer["Response"], op.paginated?.items)?
            .get(0)?
            .as_object()
            .cloned()
    });
    let describes = family.describes.iter().filter_map(|a| {
        let answer = example(op(service, a).example_response)?;
        answer["Response"]["Data"].as_object().cloned()
    });
    lists.chain(describes).collect()
}

/// Every way a row can disagree with its service's operations table.
fn row_problems(service: &ServiceInfo, family: &Family) -> Vec<String> {
    let mut problems = Vec::new();
    let mut problem = |p: String| problems.push(format!("{} {}: {p}", service.name, family.name));
    for (action, _) in family.actions() {
        if service.operation(action).is_none() {
            problem(format!("{action} is not an action of the service"));
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    let mut problem = |p: String| problems.push(format!("{} {}: {p}", service.name, family.name));
    let verbs: BTreeSet<&str> = family.actions().map(|(_, v)| v).collect();
    if verbs.len() < 2 {
        problem(format!("only {verbs:?}: a family has two verbs or more"));
    }
    for list in family.lists {
        if op(service, list).paginated.is_none() {
            problem(format!("{list} is not paginated"));
        }
    }
    let by_id = family
        .describes
        .iter()
        .chain(family.deletes)
        .copied()
        .chain(family.modifies.iter().map(|m| m.action));
    for action in by_id {
        if param(op(service, action), family.id).is_none() {
            problem(format!(
                "{action} does not take the id member {}",
                family.id
            ));
        }
    }
    let all: Vec<&OperationInfo> = family.actions().map(|(a, _)| op(service, a)).collect();
    for parent in family.parents {
        if !all.iter().any(|o| param(o, parent).is_some()) {
            problem(format!("no action takes the parent member {parent}"));
        }
    }
    for (from, _) in family.aliases {
        if !all.iter().any(|o| param(o, from).is_some()) {
            let in_each = family.creates.iter().any(|c| {
                c.each.as_ref().is_some_and(|e| {
                    matches!(
                        param(op(service, c.action), e.list).map(|p| p.ty),
                        Some(ParamType::List(ParamType::Object(s))) if s.members.iter().any(|m| m.name == *from)
                    )
                })
            });
            if !in_each {
                problem(format!("no action takes the aliased member {from}"));
            }
        }
    }
    // The id is in the answers: a list's or describe's example, where a
    // create answers it, or chosen by the caller in a create's request.
    let templates = templates(service, family);
    let mut id_answered = templates.iter().any(|t| t.contains_key(family.id));
    for c in family.creates {
        let create = op(service, c.action);
        if let Some(path) = c.id_at {
            let answer = example(create.example_response).unwrap_or_default();
            let parent = path.rsplit_once('.').map_or("", |(p, _)| p);
            if parent.is_empty() || at(&answer["Response"], parent).is_none_or(|v| !v.is_object()) {
                problem(format!("{}'s example answers no {path}", c.action));
            }
            id_answered = true;
        }
        if param(create, family.id).is_some() {
            id_answered = true;
        }
        if let Some(each) = &c.each {
            match param(create, each.list).map(|p| p.ty) {
                Some(ParamType::List(ParamType::Object(s))) => {
                    if s.members.iter().any(|m| m.name == family.id) {
                        id_answered = true;
                    }
                }
                Some(ParamType::List(_)) if each.as_member.is_some() => {}
                _ => problem(format!(
                    "{}'s `each` {} is not a list it takes",
                    c.action, each.list
                )),
            }
        }
    }
    if !id_answered {
        problem(format!(
            "no answer or create request holds the id {}",
            family.id
        ));
    }
    for m in family.modifies {
        for (member, _) in m.sets {
            if !templates.iter().any(|t| t.contains_key(*member)) {
                problem(format!("{} sets {member}, which no answer holds", m.action));
            }
        }
    }
    if !documented(service.name, family.not_found) {
        problem(format!("{} is not a documented code", family.not_found));
    }
    problems
}

#[test]
fn every_row_agrees_with_its_services_operations_table() {
    let mut problems = Vec::new();
    let mut counts = Vec::new();
    for service in &SERVICES {
        let rows = families(service.name);
        let mut seen = BTreeSet::new();
        let mut names = BTreeSet::new();
        for family in rows {
            assert!(names.insert(family.name), "{} twice", family.name);
            for (action, _) in family.actions() {
                if !seen.insert(action) {
                    problems.push(format!(
                        "{} {}: {action} is in two rows",
                        service.name, family.name
                    ));
                }
            }
            problems.extend(row_problems(service, family));
        }
        counts.push((service.name, rows.len()));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(counts, [("tcmpp", 16), ("tcsas", 20)]);
}

/// A row naming an action the spec lost, or a list that does not page,
/// fails naming the row.
#[test]
fn a_broken_row_is_named() {
    let service = &tcmpp_api::SERVICE;
    let lost = families("tcmpp").iter().find(|f| f.name == "Team").unwrap();
    let mut without = *service;
    let ops: Vec<OperationInfo> = service
        .operations
        .iter()
        .filter(|o| o.action != "DescribeTeam")
        .copied()
        .collect();
    without.operations = Box::leak(ops.into_boxed_slice());
    assert_eq!(
        row_problems(&without, lost),
        ["tcmpp Team: DescribeTeam is not an action of the service"]
    );
}

// ---------------------------------------------------------------------------
// Through HTTP

async fn both() -> MockServer {
    MockServerBuilder::new(tcmpp_api::SERVICE)
        .service(tcsas_api::SERVICE)
        .rate_limits(false)
        .start()
        .await
        .unwrap()
}

fn client(mock: &MockServer, service: ServiceInfo) -> Client {
    ClientBuilder::<Client>::new(service)
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .credentials(mock.credentials())
        .rate_limit(RateLimit::Off)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap()
}

fn placeholder(ty: &ParamType, depth: usize) -> Value {
    match ty {
        ParamType::String => json!("placeholder"),
        ParamType::Int64 | ParamType::Uint64 => json!(1),
        ParamType::Float => json!(1.5),
        ParamType::Bool => json!(true),
        ParamType::List(_) if depth > 8 => json!([]),
        ParamType::List(inner) => json!([placeholder(inner, depth + 1)]),
        ParamType::Object(s) => Value::Object(
            s.members
                .iter()
                .filter(|m| m.required)
                .map(|m| (m.name.to_owned(), placeholder(&m.ty, depth + 1)))
                .collect(),
        ),
    }
}

/// `action`'s example request, or placeholders for its required members.
fn body(service: &ServiceInfo, action: &str) -> Value {
    let op = op(service, action);
    example(op.example_request).unwrap_or_else(|| {
        Value::Object(
            op.request
                .iter()
                .filter(|p| p.required)
                .map(|p| (p.name.to_owned(), placeholder(&p.ty, 0)))
                .collect(),
        )
    })
}

fn int_ids(service: &ServiceInfo, family: &Family) -> bool {
    family
        .actions()
        .filter_map(|(a, _)| param(op(service, a), family.id))
        .next()
        .is_some_and(|p| matches!(p.ty, ParamType::Int64 | ParamType::Uint64))
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What one family's walk needs: its client, id kind and scope.
struct Walk<'a> {
    client: &'a Client,
    service: &'a ServiceInfo,
    family: &'a Family,
    /// The parents' values the item was made with.
    scope: Map<String, Value>,
}

impl Walk<'_> {
    /// `action`'s body naming the item `id` (and its parents, where the
    /// action takes them).
    fn naming(&self, action: &str, id: &Value) -> Value {
        let o = op(self.service, action);
        let mut b = body(self.service, action);
        b[self.family.id] = id.clone();
        for (k, v) in &self.scope {
            if param(o, k).is_some() {
                b[k.as_str()] = v.clone();
            }
        }
        if let Some(page) = o.paginated {
            b[page.offset] = json!(0);
            b[page.limit] = json!(1000);
            b.as_object_mut().unwrap().remove(self.family.id);
        }
        b
    }

    async fn call(&self, action: &str, b: &Value) -> Result<Value, String> {
        match self.client.call_json(action, b).await {
            Ok(v) => Ok(v),
            Err(e) => Err(e.code().unwrap_or("(no code)").to_owned()),
        }
    }

    async fn ok(&self, action: &str, b: &Value) -> Value {
        let name = (self.service.name, self.family.name);
        self.call(action, b)
            .await
            .unwrap_or_else(|code| panic!("{name:?} {action}: {code}, sent {b}"))
    }

    /// The items every list of the family lists in the item's scope.
    async fn listed(&self, list: &str) -> Vec<Value> {
        let b = self.naming(list, &Value::Null);
        let answer = self.ok(list, &b).await;
        let page = op(self.service, list).paginated.unwrap();
        let items = at(&answer, page.items).unwrap().as_array().unwrap().clone();
        let total = at(&answer, page.total.unwrap()).unwrap().as_u64().unwrap();
        assert_eq!(total as usize, items.len(), "{list}: a true total");
        items
    }

    /// Whether each list that shows ids (as its example's items do) lists `id`.
    async fn lists_id(&self, id: &Value) -> Vec<bool> {
        let mut found = Vec::new();
        for list in self.family.lists {
            let items = self.listed(list).await;
            let o = op(self.service, list);
            let shows_ids = example(o.example_response).is_some_and(|a| {
                at(&a["Response"], o.paginated.unwrap().items)
                    .and_then(|l| l.get(0))
                    .is_some_and(|i| i.get(self.family.id).is_some())
            });
            if shows_ids {
                let listed = items
                    .iter()
                    .any(|i| i.get(self.family.id).map(text) == Some(text(id)));
                found.push(listed);
            }
        }
        found
    }

    async fn not_found(&self, action: &str, id: &Value) {
        let b = self.naming(action, id);
        let got = self.call(action, &b).await;
        assert_eq!(
            got.as_ref().err().map(String::as_str),
            Some(self.family.not_found),
            "{} {} {action} of an unknown id: {got:?}",
            self.service.name,
            self.family.name
        );
    }
}

/// Creates (or seeds) one item of `family`; returns its id.
async fn make(mock: &MockServer, w: &mut Walk<'_>, fresh: &Value) -> Value {
    let family = w.family;
    let Some(create) = family.creates.first() else {
        // No create: a test seeds the list.
        let mut item = Map::new();
        item.insert(family.id.to_owned(), fresh.clone());
        for p in family.parents {
            item.insert((*p).to_owned(), json!(format!("scope-{}", family.name)));
            w.scope
                .insert((*p).to_owned(), json!(format!("scope-{}", family.name)));
        }
        mock.seed_items(w.service.name, family.lists[0], vec![Value::Object(item)])
            .unwrap();
        return fresh.clone();
    };
    let o = op(w.service, create.action);
    let mut b = body(w.service, create.action);
    if param(o, family.id).is_some() {
        b[family.id] = fresh.clone();
    }
    if let Some(each) = &create.each
        && let Some(first) = b[each.list].get_mut(0).and_then(Value::as_object_mut)
        && first.contains_key(family.id)
    {
        first.insert(family.id.to_owned(), fresh.clone());
    }
    for p in family.parents {
        if let Some(v) = b.get(*p).filter(|v| !v.is_null()) {
            w.scope.insert((*p).to_owned(), v.clone());
        }
    }
    let answer = w.ok(create.action, &b).await;
    if let Some(path) = create.id_at {
        return at(&answer, path).unwrap().clone();
    }
    if param(o, family.id).is_some() {
        return fresh.clone();
    }
    if b[create.each.as_ref().map_or("", |e| e.list)][0]
        .get(family.id)
        .is_some()
    {
        return fresh.clone();
    }
    // The create answers no id: the newest item listed is it.
    let items = w.listed(family.lists[0]).await;
    items.last().unwrap()[family.id].clone()
}

/// A request member `modify` takes that some answer shows (after the
/// row's aliases), to change and see changed.
fn visible_member(
    service: &ServiceInfo,
    family: &Family,
    modify: &str,
) -> Option<(String, String)> {
    let templates = templates(service, family);
    let skip: Vec<&str> = [family.id, "PlatformId"]
        .into_iter()
        .chain(family.parents.iter().copied())
        .collect();
    op(service, modify)
        .request
        .iter()
        .filter(|p| matches!(p.ty, ParamType::String) && !skip.contains(&p.name))
        .find_map(|p| {
            let shown = family
                .aliases
                .iter()
                .find(|(from, _)| *from == p.name)
                .map_or(p.name, |(_, to)| *to);
            templates
                .iter()
                .any(|t| t.get(shown).is_some_and(Value::is_string))
                .then(|| (p.name.to_owned(), shown.to_owned()))
        })
}

#[tokio::test]
async fn every_family_creates_lists_describes_modifies_and_deletes() {
    let mock = both().await;
    let mut walked = Vec::new();
    let (mut lists_checked, mut changes_seen) = (0, 0);
    for service in &SERVICES {
        let client = client(&mock, *service);
        for (n, family) in families(service.name).iter().enumerate() {
            let fresh = if int_ids(service, family) {
                json!(7_000_000 + n)
            } else {
                json!(format!("crud-{}", family.name))
            };
            let mut w = Walk {
                client: &client,
                service,
                family,
                scope: Map::new(),
            };
            let id = make(&mock, &mut w, &fresh).await;
            assert!(!text(&id).is_empty(), "{} {}", service.name, family.name);
            let listed = w.lists_id(&id).await;
            assert!(
                listed.iter().all(|f| *f),
                "{} {}: {id} is not listed",
                service.name,
                family.name
            );
            lists_checked += listed.len();
            for describe in family.describes {
                let got = w.ok(describe, &w.naming(describe, &id)).await;
                // Shaped like the example's `Data`, which may not name the id.
                if let Some(shown) = got["Data"].get(family.id) {
                    assert_eq!(text(shown), text(&id), "{describe}");
                }
            }
            for m in family.modifies {
                let mut b = w.naming(m.action, &id);
                let changed = visible_member(service, family, m.action);
                if let Some((member, _)) = &changed {
                    b[member.as_str()] = json!(format!("changed by {}", m.action));
                }
                w.ok(m.action, &b).await;
                let Some((_, shown)) = changed else { continue };
                let mut seen = Vec::new();
                for describe in family.describes {
                    let got = w.ok(describe, &w.naming(describe, &id)).await;
                    if let Some(v) = got["Data"].get(shown.as_str()) {
                        seen.push(v.clone());
                    }
                }
                for list in family.lists {
                    let items = w.listed(list).await;
                    let item = items
                        .iter()
                        .find(|i| i.get(family.id).map(text) == Some(text(&id)));
                    if let Some(v) = item.and_then(|i| i.get(shown.as_str())) {
                        seen.push(v.clone());
                    }
                }
                assert!(
                    !seen.is_empty(),
                    "{} {}: nothing shows {shown}",
                    service.name,
                    m.action
                );
                for v in seen {
                    assert_eq!(
                        v,
                        json!(format!("changed by {}", m.action)),
                        "{} {}",
                        service.name,
                        m.action
                    );
                }
                changes_seen += 1;
            }
            let gone = match family.deletes.first() {
                Some(delete) => {
                    w.ok(delete, &w.naming(delete, &id)).await;
                    assert!(
                        w.lists_id(&id).await.iter().all(|f| !*f),
                        "{} {delete}",
                        family.name
                    );
                    for delete in family.deletes {
                        w.not_found(delete, &id).await;
                    }
                    id
                }
                None if int_ids(service, family) => json!(9_999_999),
                None => json!("no-such-id"),
            };
            for describe in family.describes {
                w.not_found(describe, &gone).await;
            }
            for m in family.modifies {
                w.not_found(m.action, &gone).await;
            }
            walked.push(format!("{} {}", service.name, family.name));
        }
    }
    assert_eq!(walked.len(), 36, "{walked:?}");
    // Lists showing ids (all but TCMPP's DescribeApplicationList), and
    // modifies whose change an answer shows.
    // Lists that show ids (all but TCMPP's applications), and modifies
    // whose change a describe or list shows.
    assert_eq!((lists_checked, changes_seen), (32, 17));
    assert!(
        mock.calls()
            .iter()
            .all(|c| c.service == "tcmpp" || c.service == "tcsas")
    );
}

/// Team members are listed under their team only; an empty `TeamId`
/// lists every team's; a member is deleted from the team the request names.
#[tokio::test]
async fn lists_filter_by_parent_members() {
    let mock = both().await;
    let c = client(&mock, tcmpp_api::SERVICE);
    for (team, users) in [("team-a", ["u1", "u2"]), ("team-b", ["u1", "u3"])] {
        let members: Vec<Value> = users
            .iter()
            .map(|u| json!({"UserId": u, "UserRoleId": 20070}))
            .collect();
        c.call_json(
            "AddTeamMember",
            &json!({"TeamId": team, "MemberList": members, "PlatformId": PLATFORM}),
        )
        .await
        .unwrap();
    }
    let ids = |team: &'static str| {
        let c = &c;
        async move {
            let out = c
                .call_json(
                    "DescribeTeamMemberList",
                    &json!({"TeamId": team, "Offset": 0, "Limit": 100, "PlatformId": PLATFORM}),
                )
                .await
                .unwrap();
            let items = out["Data"]["DataList"].as_array().unwrap().clone();
            assert_eq!(out["Data"]["TotalCount"], items.len());
            items
                .iter()
                .map(|i| {
                    format!(
                        "{}/{}",
                        i["TeamId"].as_str().unwrap(),
                        i["UserId"].as_str().unwrap()
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(ids("team-a").await, ["team-a/u1", "team-a/u2"]);
    assert_eq!(ids("team-b").await, ["team-b/u1", "team-b/u3"]);
    // Aliased: AddTeamMember's UserRoleId is the list's TeamRoleId.
    let out = c
        .call_json(
            "DescribeTeamMemberList",
            &json!({"TeamId": "team-a", "Offset": 0, "Limit": 1, "PlatformId": PLATFORM}),
        )
        .await
        .unwrap();
    assert_eq!(out["Data"]["DataList"][0]["TeamRoleId"], 20070);
    assert_eq!(out["Data"]["TotalCount"], 2);
    // The seed's members (of another team) and these four.
    let all = ids("").await;
    assert!(
        all.len() > 4
            && all.ends_with(&[
                "team-a/u1".into(),
                "team-a/u2".into(),
                "team-b/u1".into(),
                "team-b/u3".into()
            ]),
        "{all:?}"
    );

    let delete = |team: &'static str| {
        let c = &c;
        async move {
            c.call_json(
                "DeleteTeamMember",
                &json!({"TeamId": team, "UserId": "u3", "PlatformId": PLATFORM}),
            )
            .await
            .map_err(|e| e.code().unwrap().to_owned())
        }
    };
    assert_eq!(
        delete("team-a").await.unwrap_err(),
        "InvalidParameterValue.UserTeamRelationNotExist"
    );
    delete("team-b").await.unwrap();
    assert_eq!(ids("team-b").await, ["team-b/u1"]);
    assert_eq!(ids("team-a").await, ["team-a/u1", "team-a/u2"]);
}

/// Through the typed client: a created application is listed, described
/// and modified in its own types, and its service's code names an
/// unknown one.
#[tokio::test]
async fn the_typed_client_reads_what_it_created() {
    let mock = both().await;
    let c = tcmpp_api::Client::builder()
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .credentials(mock.credentials())
        .build()
        .unwrap();
    let created = c
        .create_application()
        .application_name("typed app")
        .logo("https://files.example.com/logo.png")
        .platform_id(PLATFORM)
        .team_id("team-typed")
        .application_type(2)
        .intro("made by a typed call")
        .send()
        .await
        .unwrap();
    let id = created.data.unwrap().resource_id.unwrap();
    let list = c
        .describe_application_list()
        .platform_id(PLATFORM)
        .team_id("team-typed")
        .offset(0)
        .limit(10)
        .send()
        .await
        .unwrap()
        .data
        .unwrap();
    assert_eq!(list.total_count, Some(1));
    let apps = list.data_list.unwrap();
    assert_eq!(apps[0].application_name.as_deref(), Some("typed app"));
    assert_eq!(apps[0].team_id.as_deref(), Some("team-typed"));
    c.modify_application()
        .application_id(&id)
        .application_name("renamed")
        .intro("new intro")
        .logo("https://files.example.com/logo2.png")
        .platform_id(PLATFORM)
        .send()
        .await
        .unwrap();
    let detail = c
        .describe_application()
        .application_id(&id)
        .platform_id(PLATFORM)
        .send()
        .await
        .unwrap()
        .data
        .unwrap();
    assert_eq!(detail.application_name.as_deref(), Some("renamed"));
    assert_eq!(detail.intro.as_deref(), Some("new intro"));
    c.delete_application()
        .application_id(&id)
        .platform_id(PLATFORM)
        .send()
        .await
        .unwrap();
    let err = c
        .describe_application()
        .application_id(&id)
        .platform_id(PLATFORM)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("InvalidParameterValue.InvalidApplicationId")
    );
}

/// Past its cap a family answers `LimitExceeded`; a delete makes room.
#[tokio::test]
async fn a_family_is_capped() {
    let mock = MockServer::builder()
        .max_items_per_family(3)
        .rate_limits(false)
        .start()
        .await
        .unwrap();
    let c = client(&mock, tcmpp_api::SERVICE);
    let seeded = mock.stored_items("tcmpp", "User").unwrap();
    let create = |n: usize| {
        let c = &c;
        async move {
            c.call_json(
                "CreateUser",
                &json!({"UserAccount": format!("u{n}"), "UserName": "n", "AccountType": 3,
                        "Password": "p", "KeyId": "k", "PlatformId": PLATFORM}),
            )
            .await
            .map(|v| v["Data"]["ResourceId"].clone())
            .map_err(|e| e.code().unwrap().to_owned())
        }
    };
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(create(n).await.unwrap());
    }
    assert_eq!(create(3).await.unwrap_err(), "LimitExceeded");
    assert_eq!(mock.stored_items("tcmpp", "User"), Some(seeded + 3));
    c.call_json(
        "DeleteUser",
        &json!({"UserId": ids[0], "PlatformId": PLATFORM}),
    )
    .await
    .unwrap();
    create(4).await.unwrap();
    // A create of several at once counts each; one over the cap creates none.
    let list: Vec<Value> = (0..4).map(|i| json!({"UserId": format!("m{i}")})).collect();
    let err = c
        .call_json(
            "AddTeamMember",
            &json!({"TeamId": "t", "MemberList": list, "PlatformId": PLATFORM}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("LimitExceeded"));
    assert!(
        mock.seed_items("tcmpp", "DescribeTeamList", vec![json!({}); 4])
            .is_err()
    );
    assert_eq!(mock.stored_items("tcmpp", "Nothing"), None);
}

/// The call log keeps what each call sent: a TC3 JSON body, and a v1 form
/// decoded by the members' types.
#[tokio::test]
async fn the_call_log_keeps_each_calls_parameters() {
    let mock = both().await;
    let c = client(&mock, tcmpp_api::SERVICE);
    let sent = json!({"TeamId": "t1", "MemberList": [{"UserId": "u", "UserRoleId": 7}], "PlatformId": PLATFORM});
    c.call_json("AddTeamMember", &sent).await.unwrap();
    let mut params = tcmpp_tests::v1::common("DescribeTeamList", mock.credentials().secret_id());
    for (k, v) in [("Offset", "0"), ("Limit", "5"), ("PlatformId", PLATFORM)] {
        params.push((k.into(), v.into()));
    }
    let key = mock.credentials().secret_key().to_owned();
    let host = mock.addr().to_string();
    let answer = tcmpp_tests::v1::get(&mock.endpoint(), &host, &key, params)
        .await
        .unwrap();
    assert!(answer["Response"]["Error"].is_null(), "{answer}");
    let calls = mock.calls();
    assert_eq!(calls[0].parameters, sent);
    assert_eq!(calls[1].action, "DescribeTeamList");
    assert_eq!(
        calls[1].parameters,
        json!({"Offset": 0, "Limit": 5, "PlatformId": PLATFORM})
    );
    assert_eq!(calls[1].param("Limit"), &json!(5));
    assert_eq!(calls[1].param("Nonce"), &Value::Null);
    // A call refused before its parameters are read keeps none.
    let wrong = ClientBuilder::<Client>::new(tcmpp_api::SERVICE)
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .credentials(
            tencentcloud_runtime::credentials::Credentials::new("AKIDwrong", "key").unwrap(),
        )
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    wrong.call_json("AddTeamMember", &sent).await.unwrap_err();
    assert_eq!(mock.calls()[2].parameters, Value::Null);
}

/// Scripted answers are used in order, then the action answers normally;
/// one service's script leaves the other's action alone.
#[tokio::test]
async fn scripted_answers_come_in_order_then_normal_behaviour() {
    let mock = both().await;
    let tcmpp = tcmpp_api::Client::builder()
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .credentials(mock.credentials())
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let status = |s: i64| {
        Answer::ok(json!({"Data": {"TaskId": "t1", "TaskStatus": s}, "RequestId": "mine"}))
    };
    mock.script(
        "DescribeMNPVersion",
        [
            status(10),
            Answer::error("InternalError", "hiccup"),
            status(60),
        ],
    );
    let describe = || async {
        tcmpp
            .describe_mnp_version()
            .business_id("t1")
            .platform_id(PLATFORM)
            .send()
            .await
    };
    let first = describe().await.unwrap();
    assert_eq!(
        first.data.unwrap().task_status.map(|s| s.as_i64()),
        Some(10)
    );
    assert_ne!(first.request_id, "mine");
    assert!(!first.request_id.is_empty());
    assert_eq!(describe().await.unwrap_err().code(), Some("InternalError"));
    assert_eq!(
        describe().await.unwrap().data.unwrap().task_status,
        Some(TaskStatus::Succeeded)
    );
    // Used up: the example again.
    let example = describe().await.unwrap().data.unwrap();
    assert_eq!(example.task_msg.as_deref(), Some("Success"));
    let calls = mock.calls();
    let codes: Vec<Option<&str>> = calls.iter().map(|c| c.code.as_deref()).collect();
    assert_eq!(codes, [None, Some("InternalError"), None, None]);

    // For one service: TCMPP's DescribeTeamList answers normally.
    mock.script_for(
        "tcsas",
        "DescribeTeamList",
        [Answer::ok(
            json!({"Data": {"TotalCount": 99, "DataList": []}}),
        )],
    );
    let body = json!({"Offset": 0, "Limit": 10, "PlatformId": PLATFORM});
    let t = client(&mock, tcmpp_api::SERVICE)
        .call_json("DescribeTeamList", &body)
        .await
        .unwrap();
    assert_ne!(t["Data"]["TotalCount"], 99);
    let s = client(&mock, tcsas_api::SERVICE)
        .call_json("DescribeTeamList", &body)
        .await
        .unwrap();
    assert_eq!(s["Data"]["TotalCount"], 99);
    // A script still needs a valid request: a missing member is refused
    // and the answer stays queued.
    mock.script(
        "DescribeTeam",
        [Answer::error("ResourceNotFound", "scripted")],
    );
    let c = client(&mock, tcmpp_api::SERVICE);
    let missing = c
        .call_json("DescribeTeam", &json!({"PlatformId": PLATFORM}))
        .await;
    assert_eq!(missing.unwrap_err().code(), Some("MissingParameter"));
    let scripted = c
        .call_json(
            "DescribeTeam",
            &json!({"TeamId": "x", "PlatformId": PLATFORM}),
        )
        .await;
    assert_eq!(scripted.unwrap_err().code(), Some("ResourceNotFound"));
    mock.script(
        "DescribeTeam",
        [Answer::error("ResourceNotFound", "scripted")],
    );
    mock.clear_scripts();
    let example_team = c
        .call_json(
            "DescribeTeam",
            &json!({"TeamId": "1363731006", "PlatformId": PLATFORM}),
        )
        .await
        .unwrap();
    assert_eq!(example_team["Data"]["TeamName"], "autotest_mini_team");
}

/// Examples still answer every action no family keeps; a family's
/// describe answers its example for the example's id.
#[tokio::test]
async fn examples_answer_what_no_family_keeps() {
    let mock = both().await;
    let c = client(&mock, tcmpp_api::SERVICE);
    for (action, hint) in [("DescribeMNPCategory", "Data"), ("DescribeTeam", "Data")] {
        let op = op(&tcmpp_api::SERVICE, action);
        let want = example(op.example_response).unwrap()["Response"][hint].clone();
        let got = c
            .call_json(action, &example(op.example_request).unwrap())
            .await
            .unwrap();
        assert_eq!(got[hint], want, "{action}");
    }
}

/// A mini program made with `CreateMNP` gets versions like the examples'
/// programs; one deleted, or never made, is `InvalidMNPId`.
#[tokio::test]
async fn a_created_mini_program_has_versions() {
    let mock = both().await;
    for service in SERVICES {
        let c = client(&mock, service);
        let made = c
            .call_json("CreateMNP", &body(&service, "CreateMNP"))
            .await
            .unwrap();
        let mnp = made["Data"]["ResourceId"].clone();
        let mut create = body(&service, "CreateMNPVersion");
        create["MNPId"] = mnp.clone();
        create["PlatformId"] = json!(PLATFORM);
        c.call_json("CreateMNPVersion", &create).await.unwrap();
        let describe = json!({"MNPId": mnp, "PlatformId": PLATFORM});
        let versions = c
            .call_json("DescribeMNPAllStageVersions", &describe)
            .await
            .unwrap();
        let listed = versions["Data"].as_array().unwrap();
        assert_eq!(listed.len(), 1, "{}: {versions}", service.name);
        assert_eq!(listed[0]["MNPVersion"], create["MNPVersion"]);
        c.call_json("DeleteMNP", &describe).await.unwrap();
        let gone = c.call_json("CreateMNPVersion", &create).await.unwrap_err();
        assert_eq!(gone.code(), Some("InvalidParameterValue.InvalidMNPId"));
    }
}
