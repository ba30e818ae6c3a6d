//! Waiters, generic and named, through the typed clients against servers
//! on 127.0.0.1: the test server with a task's states scripted in turn
//! (done, failed, a task that never ends: the deadline), and scripted
//! HTTP servers for a poll that never answers (the deadline still holds)
//! and errors that end a wait or count as pending.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tcmpp_api::actions::describe_mnp_version::DescribeMnpVersionRequest;
use tcmpp_api::models::TaskStatus;
use tcmpp_tests::server::{Recorded, Reply, TestServer};
use tcmpp_tests::{builder_for, client_builder};
use tencentcloud_mock::{Answer, MockServer};
use tencentcloud_runtime::wait::{WaitError, WaitState, Waiter};
use tencentcloud_runtime::{RateLimit, RetryConfig};

/// Short pauses, so that each test takes a fraction of a second.
const MIN: Duration = Duration::from_millis(10);
const MAX: Duration = Duration::from_millis(40);
/// What "bounded" means here: far above every wait's own deadline, so
/// only a wait that ignored its deadline reaches it.
const BOUND: Duration = Duration::from_secs(20);

/// Answers the n-th request with `states[n]` as `Data.<member>` (the last
/// one again once they run out).
fn states(member: &'static str, states: &'static [i64]) -> impl Fn(&Recorded) -> Reply {
    let n = AtomicUsize::new(0);
    move |_r: &Recorded| {
        let i = n.fetch_add(1, Ordering::SeqCst).min(states.len() - 1);
        Reply::Json(json!({"Response": {
            "Data": {"TaskId": "task-1", member: states[i]},
            "RequestId": format!("req-{i}"),
        }}))
    }
}

fn tcmpp(server: &TestServer) -> tcmpp_api::Client {
    client_builder(server.url())
        .rate_limit(RateLimit::Off)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap()
}

async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(BOUND, f)
        .await
        .expect("the wait outlasted its deadline")
}

/// The test server, its answers to `DescribeMNPVersion` scripted as a
/// task passing through `statuses`, and a client of it.
async fn scripted(statuses: &[i64]) -> (MockServer, tcmpp_api::Client) {
    let mock = MockServer::start().await.unwrap();
    mock.script(
        "DescribeMNPVersion",
        statuses.iter().map(|s| {
            Answer::ok(json!({"Data": {"TaskId": "task-1", "MNPId": "mnp-1", "TaskStatus": s}}))
        }),
    );
    let client = client_builder(mock.endpoint()).build().unwrap();
    (mock, client)
}

fn version_task(client: &tcmpp_api::Client) -> DescribeMnpVersionRequest<String, String> {
    client
        .describe_mnp_version()
        .business_id("task-1")
        .platform_id("T04257DS9431720WTAG")
}

#[tokio::test]
async fn a_version_task_passes_pending_and_running_to_succeeded() {
    let (mock, client) = scripted(&[1, 20, 20, 60]).await;
    let done = bounded(
        version_task(&client)
            .wait_until_created()
            .delays(MIN, MAX)
            .max_wait(Duration::from_secs(10))
            .wait(),
    )
    .await
    .unwrap();
    assert_eq!(done.data.unwrap().task_status, Some(TaskStatus::Succeeded));
    let calls = mock.calls();
    assert_eq!(calls.len(), 4, "one poll per state");
    for c in &calls {
        assert_eq!(c.action, "DescribeMNPVersion");
        assert_eq!(c.code, None, "every poll signed and accepted");
        assert_eq!(c.parameters["BusinessId"], "task-1");
    }
}

#[tokio::test]
async fn a_failed_task_ends_the_wait_with_its_answer() {
    let (mock, client) = scripted(&[1, 20, 30, 60]).await;
    let err = bounded(
        version_task(&client)
            .wait_until_created()
            .delays(MIN, MAX)
            .wait(),
    )
    .await
    .unwrap_err();
    match &err {
        WaitError::Failed { answer, polls } => {
            assert_eq!(
                answer.data.as_ref().unwrap().task_status,
                Some(TaskStatus::Failed)
            );
            assert_eq!(*polls, 3);
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    assert_eq!(
        err.answer().and_then(|a| a.data.as_ref()?.task_status),
        Some(TaskStatus::Failed)
    );
    assert_eq!(mock.calls().len(), 3, "no poll after the failure");
    assert!(err.to_string().contains("failed"), "{err}");
}

#[tokio::test]
async fn a_task_that_never_ends_stops_at_the_deadline() {
    // Running for far longer than the wait lasts.
    let (mock, client) = scripted(&[20; 10_000]).await;
    let err = bounded(
        version_task(&client)
            .wait_until_created()
            .delays(MIN, MAX)
            .max_wait(Duration::from_millis(400))
            .wait(),
    )
    .await
    .unwrap_err();
    let WaitError::TimedOut {
        action,
        polls,
        waited,
        last,
    } = &err
    else {
        panic!("expected TimedOut, got {err:?}");
    };
    assert_eq!(*action, "DescribeMNPVersion");
    assert!(*polls >= 2, "{polls} polls");
    // Every poll sent was counted; the last may have been cut at the
    // deadline before the server logged it.
    let logged = mock.calls().len();
    assert!(
        logged == *polls as usize || logged + 1 == *polls as usize,
        "{polls} polls, {logged} logged"
    );
    assert!(*waited < BOUND, "{waited:?}");
    assert_eq!(
        last.as_ref().unwrap().data.as_ref().unwrap().task_status,
        Some(TaskStatus::Running)
    );
    let text = err.to_string();
    assert!(
        text.contains("DescribeMNPVersion") && text.contains("polls"),
        "{text}"
    );
}

#[tokio::test]
async fn the_compile_task_behind_a_console_version_is_waited_for_too() {
    let mock = MockServer::start().await.unwrap();
    let task = |s: i64| Answer::ok(json!({"Data": {"TaskId": "task-9", "TaskStatus": s}}));
    mock.script(
        "DescribeConsoleMNPVersionCompileTask",
        [task(1), task(20), task(60)],
    );
    let client = client_builder(mock.endpoint()).build().unwrap();
    let done = bounded(
        client
            .describe_console_mnp_version_compile_task()
            .business_id("task-9")
            .platform_id("T04257DS9431720WTAG")
            .wait_until_compiled()
            .delays(MIN, MAX)
            .wait(),
    )
    .await
    .unwrap();
    assert_eq!(done.data.unwrap().task_id.as_deref(), Some("task-9"));
    assert_eq!(mock.handled("DescribeConsoleMNPVersionCompileTask"), 3);
}

#[tokio::test]
async fn a_poll_that_never_answers_ends_at_the_deadline_not_the_clients_timeout() {
    let server = TestServer::start(|_r: &Recorded| Reply::Hang)
        .await
        .unwrap();
    let client = tcmpp(&server).with_overrides(|o| o.timeout(Duration::from_secs(600)));
    let err = bounded(
        client
            .describe_mnp_version()
            .business_id("task-1")
            .platform_id("T04257DS9431720WTAG")
            .wait_until_created()
            .max_wait(Duration::from_millis(300))
            .wait(),
    )
    .await
    .unwrap_err();
    match err {
        WaitError::TimedOut { polls, last, .. } => {
            assert_eq!(polls, 1);
            assert!(last.is_none());
        }
        other => panic!("expected TimedOut, got {other:?}"),
    }
}

fn error(code: &str) -> Value {
    json!({"Response": {"Error": {"Code": code, "Message": "m"}, "RequestId": "req-e"}})
}

#[tokio::test]
async fn a_service_error_ends_the_wait_unless_taken_as_pending() {
    // Not found twice (the task not listed yet), then done.
    let n = Arc::new(AtomicUsize::new(0));
    let seen = n.clone();
    let server =
        TestServer::start(
            move |_r: &Recorded| match seen.fetch_add(1, Ordering::SeqCst) {
                0 | 1 => Reply::Json(error("ResourceNotFound.Task")),
                _ => {
                    Reply::Json(json!({"Response": {"Data": {"TaskStatus": 60}, "RequestId": "r"}}))
                }
            },
        )
        .await
        .unwrap();
    let client = tcmpp(&server);
    let request = || {
        client
            .describe_mnp_version()
            .business_id("task-1")
            .platform_id("T04257DS9431720WTAG")
    };
    let err = bounded(request().wait_until_created().delays(MIN, MAX).wait())
        .await
        .unwrap_err();
    match &err {
        WaitError::Call(e) => assert_eq!(e.code(), Some("ResourceNotFound.Task")),
        other => panic!("expected Call, got {other:?}"),
    }
    assert!(std::error::Error::source(&err).is_some());
    // A family of codes as pending: the wait goes on through them.
    let done = bounded(
        request()
            .wait_until_created()
            .delays(MIN, MAX)
            .pending_on_error("ResourceNotFound.")
            .wait(),
    )
    .await
    .unwrap();
    assert_eq!(done.data.unwrap().task_status, Some(TaskStatus::Succeeded));
    assert_eq!(n.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_pending_code_matches_exactly_or_as_a_family() {
    let server = TestServer::start(|_r: &Recorded| Reply::Json(error("ResourceNotFoundX")))
        .await
        .unwrap();
    let client = tcmpp(&server);
    // `ResourceNotFound.` is the family `ResourceNotFound.*`, not a prefix
    // of every word.
    let err = bounded(
        client
            .describe_mnp_version()
            .business_id("task-1")
            .platform_id("T04257DS9431720WTAG")
            .wait_until_created()
            .delays(MIN, MAX)
            .pending_on_error("ResourceNotFound.")
            .pending_on_error("ResourceNotFound")
            .wait(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WaitError::Call(_)), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_approval_waiter_reads_rejected_as_failed() {
    let server = TestServer::start(states("ApprovalStatus", &[1, 1, 20]))
        .await
        .unwrap();
    let client = tcmpp(&server);
    let err = bounded(
        client
            .describe_mnp_sensitive_api_permission_approval()
            .approval_no("apv-1")
            .platform_id("T04257DS9431720WTAG")
            .wait_until_decided()
            .delays(MIN, MAX)
            .wait(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, WaitError::Failed { polls: 3, .. }), "{err:?}");
    assert_eq!(server.requests()[0].json()["ApprovalNo"], "apv-1");
}

#[tokio::test]
async fn tcsas_has_the_same_waiters() {
    let server = TestServer::start(states("ApprovalStatus", &[1, 30]))
        .await
        .unwrap();
    let client = builder_for::<tcsas_api::Client>(tcsas_api::SERVICE, server.url())
        .rate_limit(RateLimit::Off)
        .build()
        .unwrap();
    let done = bounded(
        client
            .describe_mnp_sensitive_api_permission_approval()
            .approval_no("apv-1")
            .platform_id("T04257DS9431720WTAG")
            .wait_until_decided()
            .delays(MIN, MAX)
            .wait(),
    )
    .await
    .unwrap();
    assert_eq!(
        done.data.unwrap().approval_status.map(|s| s.as_i64()),
        Some(30)
    );
    let sent = server.requests();
    assert_eq!(sent.len(), 2);
    assert!(
        sent[0]
            .header("authorization")
            .contains("/tcsas/tc3_request")
    );
}

#[tokio::test]
async fn the_generic_waiter_polls_any_action_until_a_predicate_holds() {
    // The stages list the version from the third answer on.
    let n = AtomicUsize::new(0);
    let server = TestServer::start(move |_r: &Recorded| {
        let data = if n.fetch_add(1, Ordering::SeqCst) >= 2 {
            json!([{"MNPVersion": "1.0.1"}])
        } else {
            json!([])
        };
        Reply::Json(json!({"Response": {"Data": data, "RequestId": "r"}}))
    })
    .await
    .unwrap();
    let client = tcmpp(&server);
    use tcmpp_api::actions::describe_mnp_all_stage_versions::{
        DescribeMnpAllStageVersions, DescribeMnpAllStageVersionsInput,
    };
    let input = DescribeMnpAllStageVersionsInput::builder()
        .mnp_id("mnp-1")
        .platform_id("T04257DS9431720WTAG")
        .build();
    let waiter = Waiter::<DescribeMnpAllStageVersions, _>::new(&client, input, |out| {
        let stages = out.data.as_deref().unwrap_or_default();
        if stages
            .iter()
            .any(|s| s.mnp_version.as_deref() == Some("1.0.1"))
        {
            WaitState::Done
        } else {
            WaitState::Pending
        }
    });
    let done = bounded(waiter.delays(MIN, MAX).wait()).await.unwrap();
    assert_eq!(done.data.unwrap().len(), 1);
    assert_eq!(server.requests().len(), 3);
}
