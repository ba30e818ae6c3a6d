//! `tcmpp serve` serves TCMPP and TCSAS on one port, and says so.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

const SECRET_ID: &str = "AKIDcliSERVICES";
const SECRET_KEY: &str = "cli-services-key";
const MNP: &str = "mpg9yjc0qbpkelik";
const PLATFORM: &str = "T04257DS9431720WTAG";

fn tcmpp() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tcmpp"));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("TENCENTCLOUD_")
            || name.starts_with("TKE_")
            || name.to_ascii_lowercase().ends_with("_proxy")
        {
            cmd.env_remove(name);
        }
    }
    cmd.env("TENCENTCLOUD_SECRET_ID", SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", SECRET_KEY);
    cmd
}

/// Kills the server however the test ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_answers_both_services_on_one_port_and_says_so() {
    let mut child = Child(
        tcmpp()
            .args(["serve", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let stderr = child.0.stderr.take().unwrap();
    // stderr is read to its end (a closed pipe would fail the server's
    // next notice); the one naming the services is sent on.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("serving ") {
                let _ = tx.send(line);
            }
        }
    });
    let lines = tokio::task::spawn_blocking(move || {
        let mut first = String::new();
        BufReader::new(stdout).read_line(&mut first).unwrap();
        let said = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        (first, said)
    });
    let (first, said) = tokio::time::timeout(Duration::from_secs(60), lines)
        .await
        .expect("the server spoke within a minute")
        .unwrap();
    let endpoint = first
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("not `listening on URL`: {first:?}"))
        .to_owned();
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
    assert!(
        said.contains("tcmpp 2024-08-01") && said.contains("tcsas 2025-01-06"),
        "{said}"
    );

    let credentials = tcmpp_api::credentials::Credentials::new(SECRET_ID, SECRET_KEY).unwrap();
    let mpp = tcmpp_api::Client::builder()
        .region("ap-singapore")
        .endpoint(&endpoint)
        .credentials(credentials.clone())
        .build()
        .unwrap();
    let sas = tcsas_api::Client::builder()
        .region("ap-singapore")
        .endpoint(&endpoint)
        .credentials(credentials)
        .build()
        .unwrap();
    let created = sas
        .create_mnp_version()
        .mnp_id(MNP)
        .platform_id(PLATFORM)
        .mnp_version("9.0.0")
        .file_url("https://files.example.com/a.zip")
        .mnp_version_intro("cli")
        .send()
        .await
        .unwrap();
    assert!(created.data.and_then(|d| d.task_id).is_some());
    let sas_versions = sas
        .describe_mnp_all_stage_versions()
        .mnp_id(MNP)
        .platform_id(PLATFORM)
        .send()
        .await
        .unwrap()
        .data
        .unwrap();
    let mpp_versions = mpp
        .describe_mnp_all_stage_versions()
        .mnp_id(MNP)
        .platform_id(PLATFORM)
        .send()
        .await
        .unwrap()
        .data
        .unwrap();
    // TCSAS's seed (2) and the new one; TCMPP's seed (5) untouched.
    assert_eq!((sas_versions.len(), mpp_versions.len()), (3, 5));
}

#[test]
fn serve_help_names_both_services_and_how_requests_find_theirs() {
    let out = tcmpp().args(["serve", "--help"]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for says in [
        "TCMPP and TCSAS",
        "version 2024-08-01",
        "version 2025-01-06",
        "tcsas.localhost:PORT",
        "listening on http://127.0.0.1:PORT",
    ] {
        assert!(
            help.contains(says),
            "serve --help does not say {says:?}:\n{help}"
        );
    }
}
