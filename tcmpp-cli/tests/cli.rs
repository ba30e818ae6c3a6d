//! The `tcmpp` program, run as a user runs it, against a recording server
//! on 127.0.0.1: a command line with any problem exits 2 naming it, and no
//! request (not even a connection) reaches the server. `call` checks its
//! action and body against `tcmpp_api::SERVICE.operations` the same way. Every test
//! sets credentials in the program's environment and points it at
//! 127.0.0.1, or checks that it sends nothing at all.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
const OPERATIONS: &[tencentcloud_runtime::OperationInfo] = tcmpp_api::SERVICE.operations;
use tcmpp_tests::server::{Recorded, Reply, TestServer};
use tcmpp_tests::workspace_root;

const SECRET_ID: &str = "AKIDcliTEST";
/// Must never be printed.
const SECRET_KEY: &str = "cli-s3cr3t-key";

/// What the server answers every request with: the spec's example answer.
fn create_answer() -> Value {
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("spec/tcmpp.json")).unwrap(),
    )
    .unwrap();
    spec["actions"]["CreateMNPVersion"]["examples"][0]["response"].clone()
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `tcmpp --endpoint SERVER --region ap-singapore ARGS` with static
/// credentials in the environment (and no other Tencent Cloud or proxy
/// settings), killing it if it takes over a minute.
async fn run_cli(server: &TestServer, args: &[&str]) -> Run {
    run_cli_stdin(server, args, None).await
}

/// [`run_cli`] with `stdin` on its standard input (else none).
async fn run_cli_stdin(server: &TestServer, args: &[&str], stdin: Option<Vec<u8>>) -> Run {
    run_tcmpp(pointed(&server.url(), args), stdin).await
}

/// `--endpoint ENDPOINT --region ap-singapore ARGS`.
fn pointed(endpoint: &str, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--endpoint", endpoint, "--region", "ap-singapore"];
    all.extend(args);
    all.into_iter().map(str::to_owned).collect()
}

/// A HOME with no profile file in it.
fn empty_home() -> String {
    let home =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    home.to_str().unwrap().to_owned()
}

/// Settings under which the program finds no credentials: none in the
/// environment, and `home` (an [`empty_home`]) has no profile file.
fn no_credentials(home: &str) -> [(&'static str, &str); 3] {
    [
        ("TENCENTCLOUD_SECRET_ID", ""),
        ("TENCENTCLOUD_SECRET_KEY", ""),
        ("HOME", home),
    ]
}

/// Every proxy variable set to `url`, a recording server on 127.0.0.1: a
/// request sent through a proxy lands there, and nowhere else.
fn proxies_to(url: &str) -> [(&'static str, &str); 3] {
    [
        ("HTTPS_PROXY", url),
        ("HTTP_PROXY", url),
        ("ALL_PROXY", url),
    ]
}

/// Runs `tcmpp ARGS` as [`run_cli`] does, with no `--endpoint` or `--region`
/// added (for commands that call nothing).
async fn run_tcmpp(args: Vec<String>, stdin: Option<Vec<u8>>) -> Run {
    run_env(args, stdin, &[]).await
}

/// The program, with static credentials in its environment and no other
/// Tencent Cloud or proxy settings, then `env` (an empty value unsets).
fn tcmpp(env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tcmpp"));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("TENCENTCLOUD_")
            || name.starts_with("TKE_")
            || name == "TCMPP_RATE_BUDGET"
            || name.to_ascii_lowercase().ends_with("_proxy")
        {
            cmd.env_remove(name);
        }
    }
    cmd.env("TENCENTCLOUD_SECRET_ID", SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", SECRET_KEY);
    for (name, value) in env {
        if value.is_empty() {
            cmd.env_remove(name);
        } else {
            cmd.env(name, value);
        }
    }
    cmd
}

/// Runs `tcmpp ARGS` with [`tcmpp`]`(env)`, killing it if it takes over a
/// minute.
async fn run_env(args: Vec<String>, stdin: Option<Vec<u8>>, env: &[(&str, &str)]) -> Run {
    let mut cmd = tcmpp(env);
    cmd.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let output: Output = tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().expect("start tcmpp");
        if let (Some(mut pipe), Some(bytes)) = (child.stdin.take(), stdin) {
            // On its own thread: tcmpp may stop reading (a body too large).
            std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            });
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().expect("wait for tcmpp").is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                let out = child.wait_with_output().expect("collect tcmpp output");
                panic!(
                    "tcmpp did not finish within a minute; stderr:\n{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().expect("collect tcmpp output")
    })
    .await
    .unwrap();
    let run = Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    for shown in [&run.stdout, &run.stderr] {
        assert!(!shown.contains(SECRET_KEY), "the secret key was printed");
    }
    run
}

async fn server() -> TestServer {
    let answer = create_answer();
    TestServer::start(move |_| Reply::Json(answer.clone()))
        .await
        .unwrap()
}

/// The flags of a correct `create`.
const CREATE: [&str; 11] = [
    "create",
    "--mnp-id",
    "mpg9yjc0qbpkelik",
    "--platform-id",
    "T04257DS9431720WTAG",
    "--version",
    "1.0.279",
    "--file-url",
    "https://files.example.com/app.zip",
    "--intro",
    "cli test",
];

fn create_with(extra: &[&'static str]) -> Vec<&'static str> {
    CREATE
        .iter()
        .copied()
        .chain(extra.iter().copied())
        .collect()
}

fn create_without(flag: &str) -> Vec<&'static str> {
    let mut args = CREATE.to_vec();
    let i = args.iter().position(|a| *a == flag).unwrap();
    args.drain(i..i + 2);
    args
}

/// No connection to the server, exit status 2, every `expected` text in the
/// error output, and nothing on stdout.
fn assert_refused(run: &Run, server: &TestServer, expected: &[&str]) {
    assert_eq!(
        server.requests().len(),
        0,
        "a refused command sent requests: {:?}",
        server.requests()
    );
    assert_eq!(server.connections(), 0, "a refused command connected");
    assert_eq!(run.code, Some(2), "stderr:\n{}", run.stderr);
    for text in expected {
        assert!(
            run.stderr.contains(text),
            "stderr does not say {text:?}:\n{}",
            run.stderr
        );
    }
    assert_eq!(run.stdout, "", "a refused command printed a result");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mistyped_flag_on_create_sends_nothing() {
    let server = server().await;
    let run = run_cli(&server, &create_with(&["--intro-typo", "y"])).await;
    assert_refused(
        &run,
        &server,
        &[
            "unexpected argument '--intro-typo' found",
            "a similar argument exists: '--intro'",
        ],
    );
    // Only the bad flag is reported: the rest of the line is fine.
    assert_eq!(run.stderr.matches("error:").count(), 1, "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_required_flag_sends_nothing() {
    let server = server().await;
    let run = run_cli(&server, &create_without("--intro")).await;
    assert_refused(
        &run,
        &server,
        &[
            "the following required arguments were not provided",
            "--intro <TEXT>",
        ],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_duplicated_flag_sends_nothing() {
    let server = server().await;
    let run = run_cli(&server, &create_with(&["--intro", "second"])).await;
    assert_refused(
        &run,
        &server,
        &["the argument '--intro <TEXT>' cannot be used multiple times"],
    );
}

/// A successful run that sent exactly one request to `server`: a POST of
/// `action` in ap-singapore, signed with the environment's SecretId.
fn one_signed_request(run: &Run, server: &TestServer, action: &str) -> Recorded {
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let mut requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let r = requests.remove(0);
    assert_eq!(r.method, "POST");
    assert_eq!(r.header("x-tc-action"), action);
    assert_eq!(r.header("x-tc-version"), tcmpp_api::SERVICE.version);
    assert_eq!(r.header("x-tc-region"), "ap-singapore");
    let authorization = r.header("authorization");
    assert!(
        authorization.contains(&format!("Credential={SECRET_ID}/")),
        "{authorization}"
    );
    r
}

#[tokio::test(flavor = "multi_thread")]
async fn a_correct_create_sends_exactly_one_request() {
    let server = server().await;
    let run = run_cli(&server, &CREATE).await;
    let r = one_signed_request(&run, &server, "CreateMNPVersion");
    assert_eq!(
        r.json(),
        serde_json::json!({
            "MNPId": "mpg9yjc0qbpkelik",
            "PlatformId": "T04257DS9431720WTAG",
            "MNPVersion": "1.0.279",
            "FileUrl": "https://files.example.com/app.zip",
            "MNPVersionIntro": "cli test",
        })
    );
    // The decoded answer is printed as JSON on stdout.
    let printed: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(
        printed["RequestId"],
        create_answer()["Response"]["RequestId"],
        "{printed}"
    );
}

/// Every other kind of bad command line: each is refused before anything is
/// sent, with a message naming what is wrong.
#[tokio::test(flavor = "multi_thread")]
async fn every_bad_command_line_is_refused_before_sending() {
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        // A flag with no value at the end, or followed by another flag.
        (
            {
                let mut a = create_without("--intro");
                a.push("--intro");
                a
            },
            vec!["a value is required for '--intro <TEXT>' but none was supplied"],
        ),
        (
            vec![
                "create",
                "--mnp-id",
                "m",
                "--platform-id",
                "p",
                "--version",
                "1.0.0",
                "--file-url",
                "https://x.example/a.zip",
                "--intro",
                "--extra",
                "x",
            ],
            vec!["unexpected argument '--extra' found"],
        ),
        // Empty values and values that are not what the flag needs.
        (
            {
                let mut a = create_without("--intro");
                a.extend(["--intro", "  "]);
                a
            },
            vec!["for '--intro <TEXT>': needs a non-empty value"],
        ),
        (
            {
                let mut a = create_without("--file-url");
                a.extend(["--file-url", "files.example.com/app.zip"]);
                a
            },
            vec!["--file-url must be an absolute http:// or https:// URL"],
        ),
        // Flags of other commands, single-dash flags, stray words.
        (
            create_with(&["--port", "80"]),
            vec!["unexpected argument '--port' found"],
        ),
        (create_with(&["-v"]), vec!["unexpected argument '-v' found"]),
        (
            create_with(&["again"]),
            vec!["unexpected argument 'again' found"],
        ),
        (
            create_with(&["--endpoint", "http://127.0.0.1:9"]),
            vec!["--endpoint is given more than once"],
        ),
        // A mistyped flag on describe, several problems at once, no command.
        (
            vec!["describe", "--mnp-id", "m", "--platfrom-id", "p"],
            vec![
                "unexpected argument '--platfrom-id' found",
                "a similar argument exists: '--platform-id'",
            ],
        ),
        (
            vec!["craete", "--mnp-id", "m"],
            vec![
                "unrecognized subcommand 'craete'",
                "a similar subcommand exists: 'create'",
            ],
        ),
        (vec![], vec!["'tcmpp' requires a subcommand"]),
        // A value given to a flag the command does not take is not echoed.
        (
            create_with(&["--secret-key=hunter2-s3cr3t"]),
            vec!["unexpected argument '--secret-key' found"],
        ),
    ];
    for (args, expected) in cases {
        let server = server().await;
        let run = run_cli(&server, &args).await;
        assert_refused(&run, &server, &expected);
        assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_checks_its_flags_before_listening() {
    let run = run_tcmpp(vec!["serve".into(), "--port".into(), "70000".into()], None).await;
    assert_eq!(run.code, Some(2), "stderr:\n{}", run.stderr);
    assert!(
        run.stderr
            .contains("invalid value '70000' for '--port <PORT>': 70000 is not in 0..=65535"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    // `serve` calls no API; its --endpoint (added by run_cli) is refused.
    let server = server().await;
    let run = run_cli(&server, &["serve"]).await;
    assert_refused(
        &run,
        &server,
        &[
            "serve does not take --endpoint",
            "serve does not take --region",
        ],
    );
}

/// The spec's example answer of DescribeMNPAllStageVersions, as `OPERATIONS`
/// has it: `{"Response": {...}}`.
fn describe_answer() -> Value {
    let op = OPERATIONS
        .iter()
        .find(|op| op.action == "DescribeMNPAllStageVersions")
        .unwrap();
    serde_json::from_str(op.example_response.unwrap()).unwrap()
}

async fn describe_server() -> TestServer {
    let answer = describe_answer();
    TestServer::start(move |_| Reply::Json(answer.clone()))
        .await
        .unwrap()
}

const DESCRIBE_BODY: &str = r#"{"MNPId":"mpg9yjc0qbpkelik","PlatformId":"T04257DS9431720WTAG"}"#;

/// A correct `call` of DescribeMNPAllStageVersions.
const CALL_DESCRIBE: [&str; 4] = [
    "call",
    "DescribeMNPAllStageVersions",
    "--json",
    DESCRIBE_BODY,
];

/// Exactly one signed request for DescribeMNPAllStageVersions carrying
/// `DESCRIBE_BODY`, and the example's `Response` object printed on stdout.
fn assert_one_describe_call(run: &Run, server: &TestServer) {
    let r = one_signed_request(run, server, "DescribeMNPAllStageVersions");
    assert_eq!(
        r.json(),
        json!({"MNPId": "mpg9yjc0qbpkelik", "PlatformId": "T04257DS9431720WTAG"})
    );
    let printed: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(printed, describe_answer()["Response"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn call_sends_its_body_once_and_prints_the_response() {
    let server = describe_server().await;
    let run = run_cli(&server, &CALL_DESCRIBE).await;
    assert_one_describe_call(&run, &server);
    // Not on a terminal: one compact line. A read says nothing on stderr.
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert_eq!(run.stderr, "");
}

/// A loopback endpoint, however it is written (by address, not by
/// spelling), is a test server on this machine. With credentials found it
/// is sent them directly, never through a proxy as a remote endpoint is;
/// with none anywhere (no environment, an empty HOME) the call is signed
/// with the mock's demo key and says so, instead of the default chain going
/// on to ask the CVM metadata service for a role. A name that only contains
/// `localhost` is another machine. Every proxy points at a trap on
/// 127.0.0.1, so nothing leaves the machine whatever the program decides.
#[tokio::test(flavor = "multi_thread")]
async fn a_loopback_endpoint_is_local_however_it_is_written() {
    let trap = server().await;
    let trap_url = trap.url();
    let proxies = proxies_to(&trap_url);
    let home = empty_home();
    let bare = [no_credentials(&home).as_slice(), &proxies].concat();
    for host in ["127.0.0.1", "localhost.", "LOCALHOST", "[::ffff:127.0.0.1]"] {
        let target = server().await;
        let endpoint = target.url().replace("127.0.0.1", host);
        let run = run_env(pointed(&endpoint, &CREATE), None, &proxies).await;
        one_signed_request(&run, &target, "CreateMNPVersion");
        assert!(!run.stderr.contains("demo key"), "{host}: {}", run.stderr);

        let target = describe_server().await;
        let endpoint = target.url().replace("127.0.0.1", host);
        let run = run_env(pointed(&endpoint, &CALL_DESCRIBE), None, &bare).await;
        assert_eq!(run.code, Some(0), "{host}: stderr:\n{}", run.stderr);
        let requests = target.requests();
        assert_eq!(requests.len(), 1, "{host}: {requests:?}");
        let authorization = requests[0].header("authorization");
        assert!(
            authorization.contains(&format!(
                "Credential={}/",
                tencentcloud_mock::DEMO_SECRET_ID
            )),
            "{host}: {authorization}"
        );
        assert!(
            run.stderr.contains("signing with the mock's demo key"),
            "{host}: {}",
            run.stderr
        );
        assert_eq!(target.connections(), 1);
    }
    assert_eq!(
        trap.connections(),
        0,
        "a loopback endpoint went through a proxy"
    );

    // Another machine: through the proxy, signed with the credentials found,
    // and the write announced.
    let endpoint = trap_url.replace("127.0.0.1", "localhost.invalid");
    let run = run_env(pointed(&endpoint, &CREATE), None, &proxies).await;
    let r = one_signed_request(&run, &trap, "CreateMNPVersion");
    assert_eq!(r.header("host"), endpoint.trim_start_matches("http://"));
    assert!(
        run.stderr
            .contains(&format!("sending CreateMNPVersion to {endpoint}/")),
        "{}",
        run.stderr
    );
}

/// Every bad `--endpoint` or `--region` value (and a bad
/// `TENCENTCLOUD_REGION`): a usage error, exit 2, with exactly one message
/// and nothing before it (no credentials are found, so a loopback endpoint
/// accepted too early would first print the demo-key notice), no connection
/// to the listener a value names, and a URL's password never repeated, as
/// text or as JSON.
#[tokio::test(flavor = "multi_thread")]
async fn a_bad_endpoint_or_region_is_a_usage_error_before_anything_else() {
    let listener = server().await;
    let at = listener.url();
    let hostport = at.trim_start_matches("http://");
    let home = empty_home();
    let bare = no_credentials(&home);
    let scheme = "the scheme must be http or https";
    let root = "Tencent Cloud API 3.0 is served at the root path: give only scheme, host and port";
    /// Flags, environment and the one message they get.
    type Case<'a> = (Vec<String>, Vec<(&'a str, &'a str)>, String);
    let mut cases: Vec<Case<'_>> = [
        ("file:///etc/passwd".to_owned(), scheme),
        (format!("ftp://{hostport}"), scheme),
        ("unix:///tmp/tcmpp.sock".to_owned(), scheme),
        (hostport.to_owned(), "relative URL without a base"),
        (
            format!("localhost:{}", listener.url().rsplit(':').next().unwrap()),
            scheme,
        ),
        ("http://127.0.0.1:99999".to_owned(), "invalid port number"),
        ("http://".to_owned(), "empty host"),
        (format!("{at}/path"), root),
        (format!("{at}/?q=1"), root),
        (format!("{at}/#f"), root),
    ]
    .into_iter()
    .map(|(endpoint, reason)| {
        let message = format!("--endpoint: invalid endpoint {endpoint:?}: {reason}");
        (pointed(&endpoint, &[]), Vec::new(), message)
    })
    .collect();
    cases.push((
        pointed(&format!("http://u:hunter2@{hostport}"), &[]),
        Vec::new(),
        format!(
            "--endpoint: invalid endpoint \"http://***@{hostport}\": credentials do not belong in the URL"
        ),
    ));
    let region = "ap-singapore\r\nX-Injected: 1";
    let expected = "expected lowercase letters, digits and '-', e.g. ap-singapore";
    cases.push((
        ["--endpoint", &at, "--region", region]
            .map(str::to_owned)
            .to_vec(),
        Vec::new(),
        format!("--region: invalid region {region:?}: {expected}"),
    ));
    cases.push((
        ["--endpoint", &at].map(str::to_owned).to_vec(),
        vec![("TENCENTCLOUD_REGION", "AP-Singapore")],
        format!("TENCENTCLOUD_REGION: invalid region \"AP-Singapore\": {expected}"),
    ));
    // A rate budget's address, checked like the endpoint (its password never shown).
    let budget_error = |url: &str| {
        tencentcloud_redis_budget::RedisBudget::new(url)
            .unwrap_err()
            .to_string()
    };
    cases.push((
        pointed(&at, &["--rate-budget", "http://127.0.0.1:6379"]),
        Vec::new(),
        format!("--rate-budget: {}", budget_error("http://127.0.0.1:6379")),
    ));
    cases.push((
        pointed(&at, &[]),
        vec![("TCMPP_RATE_BUDGET", "redis://:hunter2@[::1")],
        format!(
            "TCMPP_RATE_BUDGET: {}",
            budget_error("redis://:hunter2@[::1")
        ),
    ));
    for (flags, extra, message) in cases {
        let env = [bare.as_slice(), &extra].concat();
        let with = |more: &[&str]| {
            let mut args = flags.clone();
            args.extend(more.iter().chain(&CALL_DESCRIBE).map(|a| (*a).to_owned()));
            args
        };
        let run = run_env(with(&[]), None, &env).await;
        assert_refused(&run, &listener, &[]);
        assert_eq!(
            run.stderr,
            format!("error: {message}\n\nFor more information, try '--help'.\n")
        );
        let run = run_env(with(&["--format", "json"]), None, &env).await;
        assert_refused(&run, &listener, &[]);
        assert_eq!(
            json_lines(&run.stderr),
            [
                json!({"error": {"kind": "usage", "code": null, "message": message, "request_id": null}})
            ]
        );
        assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    }
}

/// `TCMPP_RATE_BUDGET` is read: with nothing listening at its address the
/// call is still made, under the fallback budget, and the program says so
/// once, naming the address (never a password).
#[tokio::test(flavor = "multi_thread")]
async fn the_rate_budget_from_the_environment_falls_back_when_redis_is_absent() {
    let server = describe_server().await;
    let port = tcmpp_tests::redis::free_port().unwrap();
    let url = format!("redis://:hunter2@127.0.0.1:{port}");
    let run = run_env(
        pointed(&server.url(), &CALL_DESCRIBE),
        None,
        &[("TCMPP_RATE_BUDGET", url.as_str())],
    )
    .await;
    assert_one_describe_call(&run, &server);
    assert_eq!(
        run.stderr
            .matches("rate budget: Redis does not answer")
            .count(),
        1,
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("redis=127.0.0.1:{port}")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
}

/// `--json @FILE` of something that is not a regular file (a FIFO with no
/// writer, whose opening would wait forever; a device; a directory) is
/// refused at once, exit 2, saying what it is (`@-` is standard input:
/// `call_reads_its_body_from_a_file_or_stdin`).
#[tokio::test(flavor = "multi_thread")]
async fn a_body_file_that_is_not_a_regular_file_is_refused_at_once() {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let fifo = scratch.join(format!("cli-{}-body.fifo", std::process::id()));
    let _ = std::fs::remove_file(&fifo);
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let cases = [
        (fifo.as_path(), "a FIFO (named pipe), not a regular file"),
        (Path::new("/dev/zero"), "a device, not a regular file"),
        (scratch, "a directory, not a regular file"),
    ];
    for (path, what) in cases {
        let server = server().await;
        let shown = path.display().to_string();
        let from = format!("@{shown}");
        let started = Instant::now();
        let run = run_cli(
            &server,
            &["call", "DescribeMNPAllStageVersions", "--json", &from],
        )
        .await;
        assert!(started.elapsed() < Duration::from_secs(10), "{shown}: slow");
        let says = format!("cannot read the --json body from {shown:?}: it is {what}");
        assert_refused(&run, &server, &[&says]);
    }
    std::fs::remove_file(&fifo).unwrap();
}

/// A file in this test's scratch directory, unique to `name`.
fn scratch_file(name: &str, contents: &[u8]) -> PathBuf {
    let path =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn call_reads_its_body_from_a_file_or_stdin() {
    // A file saved with a byte-order mark, as some editors do.
    let path = scratch_file("body.json", format!("\u{feff}{DESCRIBE_BODY}\n").as_bytes());
    let server = describe_server().await;
    let from_file = format!("@{}", path.display());
    let run = run_cli(
        &server,
        &["call", "DescribeMNPAllStageVersions", "--json", &from_file],
    )
    .await;
    assert_one_describe_call(&run, &server);
    std::fs::remove_file(&path).unwrap();

    for stdin in ["-", "@-"] {
        let server = describe_server().await;
        let run = run_cli_stdin(
            &server,
            &["call", "DescribeMNPAllStageVersions", "--json", stdin],
            Some(DESCRIBE_BODY.as_bytes().to_vec()),
        )
        .await;
        assert_one_describe_call(&run, &server);
    }
}

/// The service's error envelope with `code`, `message` and `request_id`.
fn service_error(code: &str, message: &str, request_id: &str) -> Value {
    json!({"Response": {
        "Error": {"Code": code, "Message": message},
        "RequestId": request_id,
    }})
}

/// A server that answers every request with [`service_error`].
async fn error_server(code: &str, message: &str, request_id: &str) -> TestServer {
    let answer = service_error(code, message, request_id);
    TestServer::start(move |_| Reply::Json(answer.clone()))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn call_reports_a_service_error_with_its_request_id() {
    let server = error_server(
        "InvalidParameterValue.InvalidMNPId",
        "no such mini program",
        "req-cli-42",
    )
    .await;
    let run = run_cli(&server, &CALL_DESCRIBE).await;
    assert_eq!(run.code, Some(1), "stderr:\n{}", run.stderr);
    assert_eq!(server.requests().len(), 1);
    for text in [
        "InvalidParameterValue.InvalidMNPId",
        "no such mini program",
        "req-cli-42",
    ] {
        assert!(run.stderr.contains(text), "no {text:?} in:\n{}", run.stderr);
    }
    assert_eq!(run.stdout, "");
}

/// Every kind of bad `call` (and `actions`) line: refused before anything is
/// sent, naming the problem, never quoting the body.
#[tokio::test(flavor = "multi_thread")]
async fn every_bad_call_is_refused_before_sending() {
    const DESCRIBE: &str = "DescribeMNPAllStageVersions";
    let too_big = scratch_file(
        "big.json",
        format!(r#"{{"MNPId":"{}","PlatformId":"p"}}"#, "m".repeat(1 << 20)).as_bytes(),
    );
    let too_big = format!("@{}", too_big.display());
    let missing = format!(
        "@{}",
        Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("no-such-body.json")
            .display()
    );
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        // The action: unknown (with the closest names), absent, or followed by more words.
        (
            vec![
                "call",
                "DescribeMNPAllStageVersion",
                "--json",
                DESCRIBE_BODY,
            ],
            vec![
                "unknown action \"DescribeMNPAllStageVersion\" (did you mean DescribeMNPAllStageVersions?)",
            ],
        ),
        (
            vec![
                "call",
                "describemnpallstageversions",
                "--json",
                DESCRIBE_BODY,
            ],
            vec!["(did you mean DescribeMNPAllStageVersions?)"],
        ),
        (
            vec!["call", "NoSuchThing", "--json", "{}"],
            vec![
                "unknown action \"NoSuchThing\"",
                "`tcmpp actions` lists TCMPP's",
            ],
        ),
        (
            vec!["call", "--json", DESCRIBE_BODY],
            vec![
                "the following required arguments were not provided",
                "<ACTION>",
            ],
        ),
        (
            vec!["call", DESCRIBE, "again", "--json", DESCRIBE_BODY],
            vec!["unexpected argument 'again' found"],
        ),
        // The body: absent, not JSON, not an object, a repeated key.
        (
            vec!["call", DESCRIBE],
            vec![
                "the following required arguments were not provided",
                "--json <BODY>",
            ],
        ),
        (
            vec![
                "call",
                DESCRIBE,
                "--json",
                r#"{"MNPId": "m", "PlatformId": }"#,
            ],
            vec!["the --json body is not valid JSON"],
        ),
        (
            vec!["call", DESCRIBE, "--json", r#"["MNPId", "PlatformId"]"#],
            vec!["the --json body must be a JSON object", "not an array"],
        ),
        (
            vec!["call", DESCRIBE, "--json", r#""hunter2-s3cr3t""#],
            vec!["the --json body must be a JSON object", "not a string"],
        ),
        (
            vec![
                "call",
                DESCRIBE,
                "--json",
                r#"{"MNPId":"a","PlatformId":"p","MNPId":"b"}"#,
            ],
            vec!["member \"MNPId\" is repeated"],
        ),
        // The members: unknown (named, with the valid ones), missing, null.
        (
            vec![
                "call",
                DESCRIBE,
                "--json",
                r#"{"MNPId":"m","PlatformId":"p","MnpVersion":"hunter2"}"#,
            ],
            vec![
                "DescribeMNPAllStageVersions has no member \"MnpVersion\"",
                "valid members: MNPId, PlatformId",
            ],
        ),
        (
            vec![
                "call",
                DESCRIBE,
                "--json",
                r#"{"MNPid":"m","PlatformId":"p"}"#,
            ],
            vec![
                "has no member \"MNPid\" (did you mean MNPId?)",
                "DescribeMNPAllStageVersions needs the member \"MNPId\"",
            ],
        ),
        (
            vec!["call", DESCRIBE, "--json", r#"{"MNPId":"m"}"#],
            vec!["DescribeMNPAllStageVersions needs the member \"PlatformId\""],
        ),
        (
            vec![
                "call",
                DESCRIBE,
                "--json",
                r#"{"MNPId":"m","PlatformId":null}"#,
            ],
            vec!["DescribeMNPAllStageVersions needs the member \"PlatformId\""],
        ),
        // Files: missing, over 1 MiB (a valid body otherwise); stdin here is empty.
        (
            vec!["call", DESCRIBE, "--json", &missing],
            vec!["cannot read the --json body from", "no-such-body.json"],
        ),
        (
            vec!["call", DESCRIBE, "--json", &too_big],
            vec!["the --json body is over 1 MiB"],
        ),
        (
            vec!["call", DESCRIBE, "--json", "-"],
            vec!["the --json body is not valid JSON"],
        ),
        (
            vec!["call", DESCRIBE, "--json", "@"],
            vec!["--json @FILE needs a file name"],
        ),
        // `actions` calls nothing: no --endpoint (run_cli adds one), no value for --json.
        (vec!["actions"], vec!["actions does not take --endpoint"]),
        (
            vec!["actions", "--json=yes"],
            vec!["unexpected value 'yes' for '--json' found"],
        ),
    ];
    for (args, expected) in cases {
        let server = server().await;
        let run = run_cli(&server, &args).await;
        assert_refused(&run, &server, &expected);
        assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    }
    std::fs::remove_file(too_big.trim_start_matches('@')).unwrap();
}

/// `actions` prints exactly the names in `OPERATIONS` (however many there
/// are), and `actions --json` their facts and members.
#[tokio::test(flavor = "multi_thread")]
async fn actions_lists_every_operation() {
    let run = run_tcmpp(vec!["actions".to_owned()], None).await;
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "");
    let names: Vec<&str> = OPERATIONS.iter().map(|op| op.action).collect();
    assert!(names.contains(&"CreateMNPVersion") && names.contains(&"DescribeMNPAllStageVersions"));
    assert_eq!(run.stdout.lines().collect::<Vec<_>>(), names);

    let run = run_tcmpp(vec!["actions".to_owned(), "--json".to_owned()], None).await;
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let members = |op: &tencentcloud_runtime::operation::OperationInfo, required: bool| {
        let wanted = op.request.iter().filter(|p| p.required == required);
        wanted.map(|p| p.name).collect::<Vec<_>>()
    };
    let expected: Vec<Value> = OPERATIONS
        .iter()
        .map(|op| {
            json!({
                "action": op.action,
                "retry_safe": op.retry_safe,
                "rate_limit_per_second": op.rate_limit_per_second,
                "required": members(op, true),
                "optional": members(op, false),
            })
        })
        .collect();
    let printed: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(printed, Value::Array(expected));
    // Spot-check against the spec, not only against the code under test.
    let describe = printed
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "DescribeMNPAllStageVersions")
        .unwrap();
    assert_eq!(describe["required"], json!(["MNPId", "PlatformId"]));
    assert_eq!(describe["retry_safe"], json!(true));
}

/// Every stderr line of a `--format json` run, parsed.
fn json_lines(stderr: &str) -> Vec<Value> {
    stderr
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: not JSON: {line:?}"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_are_json_on_stderr_with_format_json() {
    let failing = error_server(
        "InvalidParameterValue.InvalidMNPId",
        "no such mini program",
        "req-cli-43",
    )
    .await;
    let args: Vec<&str> = CALL_DESCRIBE
        .iter()
        .copied()
        .chain(["--format", "json"])
        .collect();
    let run = run_cli(&failing, &args).await;
    assert_eq!(run.code, Some(1), "stderr:\n{}", run.stderr);
    assert_eq!(
        json_lines(&run.stderr),
        [json!({"error": {
            "kind": "service",
            "code": "InvalidParameterValue.InvalidMNPId",
            "message": "no such mini program",
            "request_id": "req-cli-43",
        }})]
    );
    assert_eq!(run.stdout, "");

    // A bad command line, from clap or from the checks after it: still JSON, exit 2.
    for (args, says) in [
        (
            vec!["--format=json", "craete"],
            "unrecognized subcommand 'craete'",
        ),
        (
            vec!["--format", "json", "call", "NoSuchThing", "--json", "{}"],
            "unknown action \"NoSuchThing\"",
        ),
    ] {
        let server = server().await;
        let run = run_cli(&server, &args).await;
        assert_refused(&run, &server, &[]);
        let lines = json_lines(&run.stderr);
        assert_eq!(lines.len(), 1, "{}", run.stderr);
        let error = &lines[0]["error"];
        assert_eq!(error["kind"], "usage", "{error}");
        assert_eq!(error["code"], Value::Null, "{error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
    }
}

/// The refusal must come before any connection: credentials are in the
/// environment and every proxy points at a recording server on 127.0.0.1,
/// so a request that slipped out would land there (and nowhere else).
#[tokio::test(flavor = "multi_thread")]
async fn demo_with_credentials_refuses_to_write_to_tencent_cloud() {
    let trap = server().await;
    let url = trap.url();
    let run = run_env(vec!["demo".into()], None, &proxies_to(&url)).await;
    assert_refused(
        &run,
        &trap,
        &[
            "demo would create a version on Tencent Cloud",
            "nothing was sent",
            "--live",
            "--endpoint URL",
        ],
    );
}

/// With no credentials, `demo` runs against the embedded mock and says so
/// (the README's first command); `--live` then has nothing to write with.
#[tokio::test(flavor = "multi_thread")]
async fn demo_without_credentials_uses_the_embedded_mock() {
    let home = empty_home();
    let bare = no_credentials(&home);
    let run = run_env(vec!["demo".into()], None, &bare).await;
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    assert!(
        run.stderr
            .contains("using an embedded mock at http://127.0.0.1:"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("sending"), "{}", run.stderr);
    let printed: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    let created = printed["CreateMNPVersion"]["RequestId"].as_str().unwrap();
    assert!(run.stderr.contains(created), "{}", run.stderr);
    let listed = printed["DescribeMNPAllStageVersions"]["Data"]
        .as_array()
        .unwrap();
    assert!(
        listed
            .iter()
            .any(|v| v["MNPVersionIntro"] == "created by the tcmpp demo"),
        "{printed}"
    );

    let run = run_env(vec!["demo".into(), "--live".into()], None, &bare).await;
    assert_eq!(run.code, Some(2), "stderr:\n{}", run.stderr);
    assert!(
        run.stderr.contains("demo --live needs credentials"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
}

/// A write to an endpoint other than the embedded mock says where it goes
/// before it is sent (a Describe does not: `call_sends_its_body_once...`).
#[tokio::test(flavor = "multi_thread")]
async fn a_write_says_where_it_is_sent() {
    let target = server().await;
    let run = run_cli(&target, &CREATE).await;
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let sending = format!(
        "sending CreateMNPVersion to {}/ (region ap-singapore)",
        target.url()
    );
    assert!(run.stderr.contains(&sending), "{}", run.stderr);

    // `call` of any action but Describe*: here one served from its example.
    let op = OPERATIONS
        .iter()
        .find(|op| !op.action.starts_with("Describe") && op.request.iter().all(|p| !p.required))
        .expect("an action with no required member that is not a Describe");
    let server = TestServer::start(|_| Reply::Json(json!({"Response": {"RequestId": "req-w"}})))
        .await
        .unwrap();
    let run = run_cli(&server, &["call", op.action, "--json", "{}"]).await;
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    assert_eq!(server.requests().len(), 1);
    assert!(
        run.stderr.contains(&format!("sending {} to", op.action)),
        "{}",
        run.stderr
    );
}

/// A server that answers RequestLimitExceeded to the first request and the
/// example to the rest.
async fn throttled_once_server() -> TestServer {
    let seen = Arc::new(AtomicUsize::new(0));
    let answer = describe_answer();
    TestServer::start(move |_| {
        if seen.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::Json(service_error(
                "RequestLimitExceeded",
                "slow down",
                "req-throttled",
            ))
        } else {
            Reply::Json(answer.clone())
        }
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_shows_on_stderr_unless_quiet() {
    let args = CALL_DESCRIBE;
    let server = throttled_once_server().await;
    let run = run_cli(&server, &args).await;
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    assert_eq!(server.requests().len(), 2);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with("DescribeMNPAllStageVersions: attempt 1 failed (")
            && lines[0].contains("RequestLimitExceeded")
            && lines[0].contains("); retrying in "),
        "{}",
        lines[0]
    );

    let server = throttled_once_server().await;
    let quiet: Vec<&str> = args.iter().copied().chain(["--quiet"]).collect();
    let run = run_cli(&server, &quiet).await;
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    assert_eq!(server.requests().len(), 2);
    assert_eq!(run.stderr, "");

    let server = throttled_once_server().await;
    let json: Vec<&str> = args.iter().copied().chain(["--format", "json"]).collect();
    let run = run_cli(&server, &json).await;
    let lines = json_lines(&run.stderr);
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    let progress = &lines[0]["progress"];
    assert_eq!(progress["message"], "retrying", "{progress}");
    assert_eq!(
        progress["action"], "DescribeMNPAllStageVersions",
        "{progress}"
    );
    assert_eq!(progress["attempt"], 1, "{progress}");
}

/// A service that never answers: the program says every 5 s that it is
/// still waiting, and `--timeout` ends the call (retries included) with a
/// timeout error, exit 1.
#[tokio::test(flavor = "multi_thread")]
async fn a_silent_service_shows_time_passing_until_the_timeout() {
    let server = TestServer::start(|_| Reply::Hang).await.unwrap();
    let args: Vec<&str> = CALL_DESCRIBE
        .iter()
        .copied()
        .chain(["--timeout", "7"])
        .collect();
    let started = Instant::now();
    let run = run_cli(&server, &args).await;
    let took = started.elapsed();
    assert_eq!(run.code, Some(1), "stderr:\n{}", run.stderr);
    assert!(
        took >= Duration::from_secs(7) && took < Duration::from_secs(30),
        "{took:?}"
    );
    let waiting: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("still waiting"))
        .collect();
    assert_eq!(
        waiting.first().copied(),
        Some("DescribeMNPAllStageVersions: still waiting for an answer (5 s)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.to_lowercase().contains("timed out") || run.stderr.contains("timeout"),
        "{}",
        run.stderr
    );
    assert!(!server.requests().is_empty());

    // --timeout is for calls: refused where nothing is called.
    let run = run_tcmpp(vec!["--timeout".into(), "5".into(), "actions".into()], None).await;
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("actions does not take --timeout"),
        "{}",
        run.stderr
    );
}

/// The command that shows whether the create went through, as printed.
const CHECK: &str = "describe --mnp-id mpg9yjc0qbpkelik --platform-id T04257DS9431720WTAG";

/// A Create the service may have acted on (the connection closed after the
/// request was read, a gateway's 503): sent once, never retried, and the
/// program says the version may exist and how to check. A clear refusal
/// says nothing of the kind.
#[tokio::test(flavor = "multi_thread")]
async fn an_ambiguous_create_says_how_to_check() {
    let gateway = || Reply::Raw {
        status: 503,
        content_type: "text/html",
        body: "<html>503 Service Unavailable</html>".to_owned(),
    };
    type MakeReply = fn() -> Reply;
    let replies: [(&str, MakeReply); 2] = [("dropped", || Reply::Drop), ("503", gateway)];
    for (what, reply) in replies {
        let server = TestServer::start(move |_| reply()).await.unwrap();
        let run = run_cli(&server, &CREATE).await;
        assert_eq!(run.code, Some(1), "{what}: stderr:\n{}", run.stderr);
        assert_eq!(server.requests().len(), 1, "{what}: a create was re-sent");
        let check = format!(
            "tcmpp --endpoint {} --region ap-singapore {CHECK}",
            server.url()
        );
        assert!(
            run.stderr.contains("version 1.0.279 may have been created")
                && run.stderr.contains(&check),
            "{what}: {}",
            run.stderr
        );
        // The command printed is one the program takes, and it checks.
        let server = describe_server().await;
        let mut pointed: Vec<String> = check.split(' ').skip(1).map(str::to_owned).collect();
        assert_eq!(pointed[0], "--endpoint");
        pointed[1] = server.url();
        let run = run_env(pointed, None, &[]).await;
        assert_eq!(run.code, Some(0), "{what}: {}", run.stderr);
        assert_eq!(
            server.requests()[0].header("x-tc-action"),
            "DescribeMNPAllStageVersions"
        );
    }

    // `call CreateMNPVersion` too, in JSON.
    let server = TestServer::start(|_| Reply::Drop).await.unwrap();
    let body = json!({
        "MNPId": "mpg9yjc0qbpkelik",
        "PlatformId": "T04257DS9431720WTAG",
        "MNPVersion": "1.0.280",
        "FileUrl": "https://files.example.com/app.zip",
        "MNPVersionIntro": "cli test",
    })
    .to_string();
    let args = [
        "--format",
        "json",
        "call",
        "CreateMNPVersion",
        "--json",
        &body,
    ];
    let run = run_cli(&server, &args).await;
    assert_eq!(run.code, Some(1), "stderr:\n{}", run.stderr);
    assert_eq!(server.requests().len(), 1);
    let lines = json_lines(&run.stderr);
    let error = &lines.last().unwrap()["error"];
    assert_eq!(error["kind"], "transport", "{error}");
    let check = format!(
        "tcmpp --endpoint {} --region ap-singapore {CHECK}",
        server.url()
    );
    assert_eq!(error["may_exist"]["check"], check, "{error}");

    // A refusal: the service did not act.
    let server = error_server("InvalidParameterValue", "bad version", "req-refused").await;
    let run = run_cli(&server, &CREATE).await;
    assert_eq!(run.code, Some(1), "stderr:\n{}", run.stderr);
    assert!(
        run.stderr
            .contains("InvalidParameterValue: bad version (request id req-refused)")
    );
    assert!(
        !run.stderr.contains("may have been created"),
        "{}",
        run.stderr
    );
}

/// Runs `tcmpp serve ARGS`, reads its first stdout line, checks it is
/// `listening on SCHEME://127.0.0.1:PORT`, and makes one Describe with
/// `client` (given the endpoint) and the credentials from the environment.
async fn serve_and_describe(
    args: &[&str],
    scheme: &str,
    client: impl FnOnce(&str) -> tcmpp_api::ClientBuilder,
) -> Result<(), String> {
    let mut child = tcmpp(&[])
        .arg("serve")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let first = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    });
    let first = tokio::time::timeout(Duration::from_secs(60), first).await;
    let result = async {
        let line = match first {
            Ok(Ok(Ok(line))) => line,
            _ => return Err("no first line within a minute".to_owned()),
        };
        let endpoint = line
            .strip_suffix('\n')
            .and_then(|l| l.strip_prefix("listening on "))
            .ok_or(format!("not `listening on URL`: {line:?}"))?;
        let port: u16 = endpoint
            .strip_prefix(&format!("{scheme}://127.0.0.1:"))
            .and_then(|p| p.parse().ok())
            .ok_or(format!("not {scheme}://127.0.0.1:PORT: {endpoint}"))?;
        if port == 0 {
            return Err(format!("port 0: {endpoint}"));
        }
        let credentials = tcmpp_api::credentials::Credentials::new(SECRET_ID, SECRET_KEY)
            .map_err(|e| e.to_string())?;
        let out = client(endpoint)
            .region("ap-singapore")
            .credentials(credentials)
            .build()
            .map_err(|e| e.to_string())?
            .describe_mnp_all_stage_versions()
            .mnp_id("mpg9yjc0qbpkelik")
            .platform_id("T04257DS9431720WTAG")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if out.request_id.is_empty() {
            return Err("no request id".to_owned());
        }
        Ok(())
    }
    .await;
    let _ = child.kill();
    let _ = child.wait();
    result
}

/// `tcmpp serve`: the first stdout line is the endpoint, and the client
/// reaches it with the credentials from the environment.
#[tokio::test(flavor = "multi_thread")]
async fn serve_prints_its_endpoint_and_answers() {
    serve_and_describe(&["--port", "0"], "http", |endpoint| {
        tcmpp_api::Client::builder().endpoint(endpoint)
    })
    .await
    .unwrap();
}

/// `tcmpp serve --https --ca-file PATH`: the root is in PATH before the
/// listening line, and a client that trusts only it gets an answer.
#[tokio::test(flavor = "multi_thread")]
async fn serve_https_writes_its_root_before_listening() {
    let ca =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-ca-{}.pem", std::process::id()));
    let _ = std::fs::remove_file(&ca);
    let args = ["--https", "--ca-file", ca.to_str().unwrap()];
    let ca_path = ca.clone();
    serve_and_describe(&args, "https", move |endpoint| {
        let pem = std::fs::read(&ca_path).expect("the CA file exists once the line is printed");
        assert!(pem.starts_with(b"-----BEGIN CERTIFICATE-----"));
        tcmpp_api::Client::builder()
            .endpoint(endpoint)
            .add_root_certificate_pem(pem)
            .platform_trust_store(false)
    })
    .await
    .unwrap();
    std::fs::remove_file(&ca).unwrap();

    // Each flag needs the other; nothing listens.
    for (args, missing) in [
        (&["serve", "--https"][..], "--ca-file <PATH>"),
        (&["serve", "--ca-file", "ca.pem"][..], "--https"),
    ] {
        let run = run_tcmpp(args.iter().map(|a| (*a).to_owned()).collect(), None).await;
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("the following required arguments were not provided")
                && run.stderr.contains(missing),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "{args:?}");
    }
}

/// `--help` on the program and on every command, with what each takes.
#[tokio::test(flavor = "multi_thread")]
async fn every_command_has_help() {
    let cases: [(&[&str], &[&str]); 7] = [
        (
            &["--help"],
            &["serve", "demo", "--format", "--quiet", "Exit status"],
        ),
        (
            &["describe", "--help"],
            &["--mnp-id <ID>", "--platform-id <ID>", "--endpoint <URL>"],
        ),
        (
            &["create", "--help"],
            &["--file-url <URL>", "--intro <TEXT>"],
        ),
        (&["call", "--help"], &["<ACTION>", "--json <BODY>", "@FILE"]),
        (&["actions", "--help"], &["--json"]),
        (&["demo", "--help"], &["--live", "embedded mock"]),
        (
            &["serve", "--help"],
            &[
                "--port <PORT>",
                "--https",
                "--ca-file <PATH>",
                "listening on http://127.0.0.1:PORT",
            ],
        ),
    ];
    for (args, says) in cases {
        let run = run_tcmpp(args.iter().map(|a| (*a).to_owned()).collect(), None).await;
        assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
        for text in says {
            assert!(
                run.stdout.contains(text),
                "{args:?} does not say {text:?}:\n{}",
                run.stdout
            );
        }
    }
}

/// `--service tcsas` (before or after the command) reaches TCSAS: its
/// version and signing service on the wire, its own actions listed and
/// checked, and `describe`/`create` sent as TCSAS's actions of those names.
#[tokio::test(flavor = "multi_thread")]
async fn service_tcsas_reaches_tcsas_with_its_version_and_actions() {
    let tcsas = tcsas_api::SERVICE;
    let run = run_tcmpp(
        vec!["--service".into(), "tcsas".into(), "actions".into()],
        None,
    )
    .await;
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let names: Vec<&str> = tcsas.operations.iter().map(|op| op.action).collect();
    assert_eq!(names.len(), 155);
    assert_eq!(run.stdout.lines().collect::<Vec<_>>(), names);

    let answer = describe_answer();
    for args in [
        vec![
            "--service",
            "tcsas",
            "call",
            "DescribeMNPAllStageVersions",
            "--json",
            DESCRIBE_BODY,
        ],
        vec![
            "call",
            "DescribeMNPAllStageVersions",
            "--service",
            "tcsas",
            "--json",
            DESCRIBE_BODY,
        ],
        vec![
            "--service",
            "tcsas",
            "describe",
            "--mnp-id",
            "mpg9yjc0qbpkelik",
            "--platform-id",
            "T04257DS9431720WTAG",
        ],
    ] {
        let answer = answer.clone();
        let server = TestServer::start(move |_| Reply::Json(answer.clone()))
            .await
            .unwrap();
        let run = run_cli(&server, &args).await;
        assert_eq!(run.code, Some(0), "{args:?}: stderr:\n{}", run.stderr);
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "{args:?}");
        let r = &requests[0];
        assert_eq!(r.header("x-tc-action"), "DescribeMNPAllStageVersions");
        assert_eq!(r.header("x-tc-version"), "2025-01-06", "{args:?}");
        let authorization = r.header("authorization");
        assert!(
            authorization.contains("/tcsas/tc3_request"),
            "{authorization}"
        );
    }

    // A TCSAS-only member is accepted for TCSAS and refused for TCMPP.
    let body = r#"{"MNPId":"m","MNPVersion":"1.0.1","FileUrl":"https://f.example.com/a.zip","PlatformId":"p","MNPVersionIntro":"i","VersionType":1}"#;
    let server = server().await;
    let run = run_cli(
        &server,
        &[
            "--service",
            "tcsas",
            "call",
            "CreateMNPVersion",
            "--json",
            body,
        ],
    )
    .await;
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    assert_eq!(server.requests()[0].json()["VersionType"], 1);
    let server = server_for_refusals().await;
    let run = run_cli(&server, &["call", "CreateMNPVersion", "--json", body]).await;
    assert_refused(&run, &server, &["VersionType"]);

    // An action TCMPP has and TCSAS lacks, and the other way round.
    let only_tcsas = names
        .iter()
        .find(|n| !OPERATIONS.iter().any(|op| op.action == **n))
        .unwrap();
    let server = server_for_refusals().await;
    let run = run_cli(&server, &["call", only_tcsas, "--json", "{}"]).await;
    assert_refused(
        &run,
        &server,
        &["unknown action", "`tcmpp actions` lists TCMPP's"],
    );
    let only_tcmpp = OPERATIONS
        .iter()
        .map(|op| op.action)
        .find(|n| !names.contains(n))
        .unwrap();
    let run = run_cli(
        &server,
        &["--service", "tcsas", "call", only_tcmpp, "--json", "{}"],
    )
    .await;
    assert_refused(
        &run,
        &server,
        &[
            "unknown action",
            "`tcmpp --service tcsas actions` lists TCSAS's",
        ],
    );

    // `serve` serves both: it takes no --service.
    let run = run_tcmpp(
        vec!["serve".into(), "--service".into(), "tcsas".into()],
        None,
    )
    .await;
    assert_eq!(run.code, Some(2), "stderr:\n{}", run.stderr);
    assert!(
        run.stderr.contains("serve does not take --service"),
        "{}",
        run.stderr
    );
    let run = run_tcmpp(
        vec!["--service".into(), "cvm".into(), "actions".into()],
        None,
    )
    .await;
    assert_eq!(run.code, Some(2), "stderr:\n{}", run.stderr);
    assert!(
        run.stderr.contains("possible values: tcmpp, tcsas, sts"),
        "{}",
        run.stderr
    );
}

async fn server_for_refusals() -> TestServer {
    TestServer::start(|_| Reply::Json(json!({"Response": {"RequestId": "never"}})))
        .await
        .unwrap()
}

/// `call --all-pages` walks a paginated action from the body's offset and
/// prints every item once, one JSON line each; on an action without pages
/// it is a usage error before anything is sent.
#[tokio::test(flavor = "multi_thread")]
async fn call_all_pages_prints_every_item_as_a_json_line() {
    let server = TestServer::start(|r: &Recorded| {
        let body = r.json();
        let (offset, limit) = (
            body["Offset"].as_i64().unwrap(),
            body["Limit"].as_i64().unwrap(),
        );
        let list: Vec<Value> = (offset..(offset + limit.min(4)).min(11))
            .map(|i| json!({"TeamId": format!("team-{i}")}))
            .collect();
        Reply::Json(json!({"Response": {
            "Data": {"TotalCount": 11, "DataList": list}, "RequestId": "req"}}))
    })
    .await
    .unwrap();
    let body = r#"{"PlatformId":"T04257DS9431720WTAG","Offset":2,"Limit":5}"#;
    let run = run_cli(
        &server,
        &["call", "DescribeTeamList", "--json", body, "--all-pages"],
    )
    .await;
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let ids: Vec<String> = run
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["TeamId"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        ids,
        (2..11).map(|i| format!("team-{i}")).collect::<Vec<_>>()
    );
    let offsets: Vec<i64> = server
        .requests()
        .iter()
        .map(|r| r.json()["Offset"].as_i64().unwrap())
        .collect();
    assert_eq!(offsets, [2, 6, 10]);

    let server = server_for_refusals().await;
    let run = run_cli(
        &server,
        &[
            "call",
            "DescribeMNPAllStageVersions",
            "--json",
            DESCRIBE_BODY,
            "--all-pages",
        ],
    )
    .await;
    assert_refused(
        &run,
        &server,
        &["--all-pages: DescribeMNPAllStageVersions is not paginated"],
    );
}
