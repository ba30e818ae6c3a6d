//! In a TKE pod (the `TKE_*` variables set, no other credentials) the
//! program signs with the pod's role, exchanged at STS: against
//! `tcmpp serve`, which plays STS and accepts the keys it issues. A partial
//! set of variables is an error naming what is missing, nothing sent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

/// The only long-lived key the server accepts: the client has none.
const SECRET_ID: &str = "AKIDcliPODROLE";
const SECRET_KEY: &str = "cli-pod-role-s3cr3t";
const TOKEN: &str = "eyJ.pod-token-s3cr3t";
const ROLE: &str = "qcs::cam::uin/100015158414:roleName/podRole";

/// The program with no Tencent Cloud, TKE or proxy settings of this
/// process, a home without a profile file, then `env`.
fn tcmpp(home: &Path, env: &[(&str, String)]) -> Command {
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
    cmd.env("HOME", home);
    for (name, value) in env {
        cmd.env(name, value);
    }
    cmd
}

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `tcmpp serve` accepting [`SECRET_ID`] and the pod's token; its endpoint.
fn serve(home: &Path, token_file: &Path) -> (Child, String) {
    let env = [
        ("TENCENTCLOUD_SECRET_ID", SECRET_ID.to_owned()),
        ("TENCENTCLOUD_SECRET_KEY", SECRET_KEY.to_owned()),
    ];
    let mut child = Child(
        tcmpp(home, &env)
            .args([
                "serve",
                "--web-identity-provider",
                "OIDC-tke",
                "--web-identity-token-file",
            ])
            .arg(token_file)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut first = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let endpoint = first
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("not `listening on URL`: {first:?}"))
        .to_owned();
    (child, endpoint)
}

fn tke(token_file: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("TKE_REGION", "ap-singapore".to_owned()),
        ("TKE_PROVIDER_ID", "OIDC-tke".to_owned()),
        (
            "TKE_WEB_IDENTITY_TOKEN_FILE",
            token_file.display().to_string(),
        ),
        ("TKE_ROLE_ARN", ROLE.to_owned()),
    ]
}

fn describe(home: &Path, endpoint: &str, env: &[(&str, String)]) -> std::process::Output {
    let mut cmd = tcmpp(home, env);
    cmd.args([
        "--endpoint",
        endpoint,
        "--sts-endpoint",
        endpoint,
        "--timeout",
        "30",
    ])
    .args([
        "describe",
        "--mnp-id",
        "mpg9yjc0qbpkelik",
        "--platform-id",
        "T04257DS9431720WTAG",
    ])
    .stdin(Stdio::null());
    let out = cmd.output().unwrap();
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!shown.contains("s3cr3t"), "a secret was printed: {shown}");
    out
}

#[test]
fn a_pod_calls_with_its_own_role() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, TOKEN).unwrap();
    let (_server, endpoint) = serve(dir.path(), &token_file);
    let out = describe(dir.path(), &endpoint, &tke(&token_file));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("demo key"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        json["Data"].as_array().is_some_and(|d| !d.is_empty()),
        "{json}"
    );
}

#[test]
fn a_partial_tke_set_is_an_error_naming_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, TOKEN).unwrap();
    let (_server, endpoint) = serve(dir.path(), &token_file);
    let env: Vec<_> = tke(&token_file)
        .into_iter()
        .filter(|(k, _)| *k != "TKE_ROLE_ARN")
        .collect();
    let out = describe(dir.path(), &endpoint, &env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("TKE_ROLE_ARN not set"), "{stderr}");
    // A wrong token: STS refuses it, the token is not printed.
    std::fs::write(&token_file, "eyJ.other-s3cr3t").unwrap();
    let out = describe(dir.path(), &endpoint, &tke(&token_file));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("InvalidParameter.WebIdentityTokenError"),
        "{stderr}"
    );
}
