//! The `tcmpp` example binary, run as a user runs it, against a recording
//! server on 127.0.0.1: a command line with any problem exits 2 naming it,
//! and no request (not even a connection) reaches the server. `call` checks
//! its action and body against `tcmpp_api::OPERATIONS` the same way.
//!
//! Cargo gives tests no path to an example (`CARGO_BIN_EXE_*` is for
//! binaries only), and `cargo test -p tcmpp-tests` or `--test cli` does not
//! build the examples at all. So the test builds it itself, once per run,
//! with the cargo that built the test: `cargo build --workspace --example
//! tcmpp` into the same target directory and profile, without the
//! per-package variables cargo sets for a running test. `--workspace`
//! resolves features as `cargo test --workspace` does, so under that command
//! the build is a no-op (run alone with `-p tcmpp-tests`, it builds what
//! differs once). Cargo releases its build lock before running tests, so it
//! does not wait on the outer cargo. The path comes from cargo's JSON
//! messages, not from a guess about the layout.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tcmpp_api::OPERATIONS;
use tcmpp_tests::server::{Reply, TestServer};
use tcmpp_tests::workspace_root;

const SECRET_ID: &str = "AKIDcliTEST";
/// Must never be printed.
const SECRET_KEY: &str = "cli-s3cr3t-key";

/// The example binary, built once for all tests in this file.
fn cli_binary() -> &'static Path {
    static BINARY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match BINARY.get_or_init(build_cli) {
        Ok(path) => path,
        Err(e) => panic!("cannot build the tcmpp example: {e}"),
    }
}

fn build_cli() -> Result<PathBuf, String> {
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .current_dir(workspace_root())
        .args(["build", "--workspace", "--example", "tcmpp"])
        .args(["--message-format", "json-render-diagnostics"]);
    // This test runs from TARGET/PROFILE/deps/; build into the same place.
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let profile_dir = exe.parent().and_then(Path::parent);
    if let Some(dir) = profile_dir {
        match dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => {}
            Some(profile) => {
                cargo.args(["--profile", profile]);
            }
        }
        // The target directory itself (not TARGET/TRIPLE when cross-building).
        if let Some(target) = dir.parent().filter(|t| t.join("CACHEDIR.TAG").is_file()) {
            cargo.arg("--target-dir").arg(target);
        }
    }
    // Cargo sets these for the running test (this package's name, manifest,
    // OUT_DIR); build scripts that watch them (ring's watches
    // CARGO_MANIFEST_DIR) would rebuild if the nested cargo saw them.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        let per_package = [
            "CARGO_PKG_",
            "CARGO_MANIFEST_",
            "CARGO_CRATE_",
            "CARGO_BIN_",
        ]
        .iter()
        .any(|p| name.starts_with(p));
        if per_package || name == "CARGO_PRIMARY_PACKAGE" || name == "OUT_DIR" {
            cargo.env_remove(name);
        }
    }
    let out = cargo
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("cargo build exited with {}", out.status));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "tcmpp")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo reported no tcmpp executable".to_owned())
}

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
    let mut all = vec!["--endpoint".to_owned(), server.url()];
    all.extend(["--region", "ap-singapore"].map(str::to_owned));
    all.extend(args.iter().map(|a| (*a).to_owned()));
    run_tcmpp(all, stdin).await
}

/// Runs `tcmpp ARGS` as [`run_cli`] does, with no `--endpoint` or `--region`
/// added (for commands that call nothing).
async fn run_tcmpp(args: Vec<String>, stdin: Option<Vec<u8>>) -> Run {
    let mut cmd = Command::new(cli_binary());
    cmd.args(args);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("TENCENTCLOUD_") || name.to_ascii_lowercase().ends_with("_proxy") {
            cmd.env_remove(name);
        }
    }
    cmd.env("TENCENTCLOUD_SECRET_ID", SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let output: Output = tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().expect("start the tcmpp example");
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
    assert_refused(&run, &server, &["create does not take --intro-typo"]);
    // Only the bad flag is reported: the rest of the line is fine.
    assert_eq!(run.stderr.matches("error:").count(), 1, "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_required_flag_sends_nothing() {
    let server = server().await;
    let run = run_cli(&server, &create_without("--intro")).await;
    assert_refused(&run, &server, &["create needs --intro"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_duplicated_flag_sends_nothing() {
    let server = server().await;
    let run = run_cli(&server, &create_with(&["--intro", "second"])).await;
    assert_refused(&run, &server, &["--intro is given more than once"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_correct_create_sends_exactly_one_request() {
    let server = server().await;
    let run = run_cli(&server, &CREATE).await;
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.header("x-tc-action"), "CreateMNPVersion");
    assert_eq!(r.header("x-tc-region"), "ap-singapore");
    assert!(
        r.header("authorization")
            .contains(&format!("Credential={SECRET_ID}/")),
        "{}",
        r.header("authorization")
    );
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
            vec!["--intro needs a value"],
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
            vec!["--intro needs a value", "create does not take --extra"],
        ),
        // Empty values and values that are not what the flag needs.
        (
            {
                let mut a = create_without("--intro");
                a.extend(["--intro", "  "]);
                a
            },
            vec!["--intro needs a non-empty value"],
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
            vec!["create does not take --port"],
        ),
        (create_with(&["-v"]), vec!["unknown flag -v"]),
        (
            create_with(&["again"]),
            vec!["unexpected argument \"again\""],
        ),
        (
            create_with(&["--endpoint", "http://127.0.0.1:9"]),
            vec!["--endpoint is given more than once"],
        ),
        // A mistyped flag on describe, several problems at once, no command.
        (
            vec!["describe", "--mnp-id", "m", "--platfrom-id", "p"],
            vec![
                "describe does not take --platfrom-id",
                "describe needs --platform-id",
            ],
        ),
        (
            vec!["craete", "--mnp-id", "m"],
            vec!["unknown command \"craete\""],
        ),
        (vec![], vec!["no command"]),
        // A value given to a flag the command does not take is not echoed.
        (
            create_with(&["--secret-key=hunter2-s3cr3t"]),
            vec!["create does not take --secret-key"],
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
    // `serve` ignores the server; its --endpoint (added by run_cli) is refused.
    let server = server().await;
    let run = run_cli(&server, &["serve", "--port", "70000"]).await;
    assert_refused(
        &run,
        &server,
        &[
            "serve does not take --endpoint",
            "--port must be a number from 0 to 65535, not \"70000\"",
        ],
    );
    assert!(!run.stderr.contains("listening"), "{}", run.stderr);
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

/// Exactly one signed request for DescribeMNPAllStageVersions carrying
/// `DESCRIBE_BODY`, and the example's `Response` object printed on stdout.
fn assert_one_describe_call(run: &Run, server: &TestServer) {
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.header("x-tc-action"), "DescribeMNPAllStageVersions");
    assert_eq!(r.header("x-tc-version"), OPERATIONS[0].service.version);
    assert_eq!(r.header("x-tc-region"), "ap-singapore");
    assert!(
        r.header("authorization")
            .contains(&format!("Credential={SECRET_ID}/")),
        "{}",
        r.header("authorization")
    );
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
    let run = run_cli(
        &server,
        &[
            "call",
            "DescribeMNPAllStageVersions",
            "--json",
            DESCRIBE_BODY,
        ],
    )
    .await;
    assert_one_describe_call(&run, &server);
    // Not on a terminal: one compact line.
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
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

    let server = describe_server().await;
    let run = run_cli_stdin(
        &server,
        &["call", "DescribeMNPAllStageVersions", "--json", "-"],
        Some(DESCRIBE_BODY.as_bytes().to_vec()),
    )
    .await;
    assert_one_describe_call(&run, &server);
}

#[tokio::test(flavor = "multi_thread")]
async fn call_reports_a_service_error_with_its_request_id() {
    let server = TestServer::start(|_| {
        Reply::Json(json!({"Response": {
            "Error": {"Code": "InvalidParameterValue.InvalidMNPId", "Message": "no such mini program"},
            "RequestId": "req-cli-42",
        }}))
    })
    .await
    .unwrap();
    let run = run_cli(
        &server,
        &[
            "call",
            "DescribeMNPAllStageVersions",
            "--json",
            DESCRIBE_BODY,
        ],
    )
    .await;
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
                "`tcmpp actions` lists them",
            ],
        ),
        (
            vec!["call", "--json", DESCRIBE_BODY],
            vec!["call needs an ACTION"],
        ),
        (
            vec!["call", DESCRIBE, "again", "--json", DESCRIBE_BODY],
            vec!["unexpected argument \"again\""],
        ),
        // The body: absent, not JSON, not an object, a repeated key.
        (vec!["call", DESCRIBE], vec!["call needs --json"]),
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
        (vec!["actions", "--json=yes"], vec!["--json takes no value"]),
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
    let members = |op: &tcmpp_api::operation::OperationInfo, required: bool| {
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
