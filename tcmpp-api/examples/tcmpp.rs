//! `tcmpp`: a small command-line front end to the TCMPP API and its mock.
//!
//! ```text
//! cargo run --example tcmpp -- [--endpoint URL] [--region REGION] COMMAND
//!   describe --mnp-id ID --platform-id ID
//!   create   --mnp-id ID --platform-id ID --version X.Y.Z --file-url URL --intro TEXT
//!   demo     [--mnp-id ID --platform-id ID]   create a version, then list all versions
//!   serve    [--port N]                       run the mock in the foreground
//! ```
//!
//! The whole command line is parsed and checked first (unknown, repeated or
//! valueless flags, missing required flags, bad values); only then does a
//! command build a client, start a mock or send a request. A usage error
//! exits with status 2, a failed call with 1.
//!
//! Credentials come from the default chain. With no `--endpoint` and no
//! credentials in the environment or a profile file, the commands run
//! against an embedded mock, and say so on stderr.

use std::io::IsTerminal;
use std::process::ExitCode;

use tcmpp_api::credentials::{
    CredentialsError, EnvironmentProvider, ProfileFileProvider, ProvideCredentials,
};
use tcmpp_api::mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockServer};
use tcmpp_api::{Client, SdkError};

const USAGE: &str = "\
usage: tcmpp [--endpoint URL] [--region REGION] COMMAND

commands:
  describe --mnp-id ID --platform-id ID
  create   --mnp-id ID --platform-id ID --version X.Y.Z --file-url URL --intro TEXT
  demo     [--mnp-id ID] [--platform-id ID]   create a version, then list all versions
  serve    [--port N]                         run the mock server in the foreground

Flags take their value as --flag VALUE or --flag=VALUE. A bad command line
exits with status 2 before anything is sent.

Credentials: TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY, a profile file,
or the CVM role. With neither --endpoint nor credentials, an embedded mock
answers. Region: --region, else TENCENTCLOUD_REGION, else ap-singapore.";

const SEED_MNP_ID: &str = "mpg9yjc0qbpkelik";
const SEED_PLATFORM_ID: &str = "T04257DS9431720WTAG";

/// Where the API commands send their requests.
#[derive(Debug)]
struct Target {
    endpoint: Option<String>,
    region: Option<String>,
}

/// The members of one CreateMNPVersion call.
#[derive(Debug)]
struct CreateArgs {
    mnp_id: String,
    platform_id: String,
    version: String,
    file_url: String,
    intro: String,
}

/// A command line, fully parsed and checked. Nothing is sent, started or
/// listened on before one of these exists.
#[derive(Debug)]
enum Command {
    Help,
    Describe {
        target: Target,
        mnp_id: String,
        platform_id: String,
    },
    Create {
        target: Target,
        input: CreateArgs,
    },
    Demo {
        target: Target,
        mnp_id: String,
        platform_id: String,
    },
    Serve {
        port: u16,
    },
}

/// `--endpoint` and `--region`: taken by every command that calls the API,
/// before or after the command name.
const TARGET_FLAGS: [&str; 2] = ["endpoint", "region"];

/// Every problem with a command line, in the order found.
type Problems = Vec<String>;

impl Command {
    /// Parses and checks `args` (without the program name). On error, every
    /// problem found, not just the first. Values are never echoed for flags the
    /// command does not take (one may be a mistyped secret), nor for
    /// `--file-url` (a presigned URL carries a token).
    fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, Problems> {
        let mut args = args.into_iter().peekable();
        let (mut command, mut flags, mut problems) = (None, Vec::new(), Problems::new());
        while let Some(arg) = args.next() {
            if arg == "-h" || arg == "--help" {
                return Ok(Command::Help);
            }
            if let Some(flag) = arg.strip_prefix("--") {
                let (name, value) = match flag.split_once('=') {
                    Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
                    // A following flag is not this flag's value: `--intro --version 1`
                    // lacks an intro. `--intro=--x` passes a value that starts with `--`.
                    None => (
                        flag.to_owned(),
                        args.next_if(|next| !next.starts_with("--")),
                    ),
                };
                flags.push((name, value));
            } else if arg.starts_with('-') && arg.len() > 1 {
                problems.push(format!("unknown flag {arg} (flags start with --)"));
            } else if command.is_none() {
                command = Some(arg);
            } else {
                problems.push(format!("unexpected argument {arg:?}"));
            }
        }
        let Some(command) = command else {
            problems.push("no command".to_owned());
            return Err(problems);
        };
        let (parsed, more) = match command.as_str() {
            "describe" => {
                let mut f = Flags::check("describe", &["mnp-id", "platform-id"], flags);
                let parsed = Command::Describe {
                    target: f.target(),
                    mnp_id: f.required("mnp-id"),
                    platform_id: f.required("platform-id"),
                };
                (parsed, f.problems)
            }
            "create" => {
                let mut f = Flags::check(
                    "create",
                    &["mnp-id", "platform-id", "version", "file-url", "intro"],
                    flags,
                );
                let input = CreateArgs {
                    mnp_id: f.required("mnp-id"),
                    platform_id: f.required("platform-id"),
                    version: f.required("version"),
                    file_url: f.required("file-url"),
                    intro: f.required("intro"),
                };
                if !input.file_url.is_empty() && !is_http_url(&input.file_url) {
                    f.problems
                        .push("--file-url must be an absolute http:// or https:// URL".to_owned());
                }
                let parsed = Command::Create {
                    target: f.target(),
                    input,
                };
                (parsed, f.problems)
            }
            "demo" => {
                let mut f = Flags::check("demo", &["mnp-id", "platform-id"], flags);
                let parsed = Command::Demo {
                    target: f.target(),
                    mnp_id: f
                        .optional("mnp-id")
                        .unwrap_or_else(|| SEED_MNP_ID.to_owned()),
                    platform_id: f
                        .optional("platform-id")
                        .unwrap_or_else(|| SEED_PLATFORM_ID.to_owned()),
                };
                (parsed, f.problems)
            }
            "serve" => {
                let mut f = Flags::check("serve", &["port"], flags);
                let port = match f.optional("port") {
                    None => 0,
                    Some(p) => p.parse::<u16>().unwrap_or_else(|_| {
                        f.problems.push(format!(
                            "--port must be a number from 0 to 65535, not {p:?}"
                        ));
                        0
                    }),
                };
                (Command::Serve { port }, f.problems)
            }
            other => {
                problems.push(format!("unknown command {other:?}"));
                return Err(problems);
            }
        };
        problems.extend(more);
        if problems.is_empty() {
            Ok(parsed)
        } else {
            Err(problems)
        }
    }
}

/// The flags given to one command, checked against the ones it takes.
struct Flags {
    command: &'static str,
    /// Flags the command takes that were given once with a non-empty value.
    values: Vec<(String, String)>,
    /// Flags the command takes that were given, whatever their value.
    given: Vec<String>,
    problems: Problems,
}

impl Flags {
    /// Checks that each flag is one `command` takes (its own `names`, plus
    /// `--endpoint` and `--region` unless it is `serve`), is given once, and
    /// has a non-empty value.
    fn check(command: &'static str, names: &[&str], flags: Vec<(String, Option<String>)>) -> Flags {
        let takes = |name: &str| {
            names.contains(&name) || (command != "serve" && TARGET_FLAGS.contains(&name))
        };
        let mut f = Flags {
            command,
            values: Vec::new(),
            given: Vec::new(),
            problems: Problems::new(),
        };
        for (name, value) in flags {
            if !takes(&name) {
                f.problems.push(format!("{command} does not take --{name}"));
                continue;
            }
            if f.given.contains(&name) {
                f.problems.push(format!("--{name} is given more than once"));
                f.values.retain(|(n, _)| *n != name);
                continue;
            }
            f.given.push(name.clone());
            match value {
                None => f.problems.push(format!("--{name} needs a value")),
                Some(v) if v.trim().is_empty() => {
                    f.problems.push(format!("--{name} needs a non-empty value"));
                }
                Some(v) => f.values.push((name, v)),
            }
        }
        f
    }

    fn optional(&mut self, name: &str) -> Option<String> {
        let i = self.values.iter().position(|(n, _)| n == name)?;
        Some(self.values.remove(i).1)
    }

    /// The value of `name`; when the flag is missing, a problem is noted and
    /// "" returned (a `Command` is only returned when there is no problem).
    fn required(&mut self, name: &str) -> String {
        if !self.given.iter().any(|n| n == name) {
            self.problems
                .push(format!("{} needs --{name}", self.command));
        }
        self.optional(name).unwrap_or_default()
    }

    fn target(&mut self) -> Target {
        Target {
            endpoint: self.optional("endpoint"),
            region: self.optional("region"),
        }
    }
}

/// An absolute `http://` or `https://` URL with a host.
fn is_http_url(text: &str) -> bool {
    url::Url::parse(text)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

#[tokio::main]
async fn main() -> ExitCode {
    let parsed = std::env::args_os()
        .skip(1)
        .enumerate()
        .map(|(i, arg)| {
            arg.into_string()
                .map_err(|_| vec![format!("argument {} is not valid UTF-8", i + 1)])
        })
        .collect::<Result<Vec<_>, _>>()
        .and_then(Command::parse);
    let command = match parsed {
        Ok(c) => c,
        Err(problems) => {
            for problem in &problems {
                eprintln!("error: {problem}");
            }
            eprintln!("\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Help => {
            println!("{USAGE}");
            Ok(())
        }
        Command::Serve { port } => serve(port).await,
        Command::Describe {
            target,
            mnp_id,
            platform_id,
        } => {
            // Keep the mock alive for as long as the command runs.
            let (client, _mock) = client(&target).await?;
            print_json(&describe(&client, mnp_id, platform_id).await?)
        }
        Command::Create { target, input } => {
            let (client, _mock) = client(&target).await?;
            let out = client
                .create_mnp_version()
                .mnp_id(input.mnp_id)
                .platform_id(input.platform_id)
                .mnp_version(input.version)
                .file_url(input.file_url)
                .mnp_version_intro(input.intro)
                .send()
                .await
                .map_err(explain)?;
            print_json(&out)
        }
        Command::Demo {
            target,
            mnp_id,
            platform_id,
        } => {
            let (client, _mock) = client(&target).await?;
            let version = format!(
                "1.0.{}",
                std::time::UNIX_EPOCH
                    .elapsed()
                    .map_or(1, |d| d.as_secs() % 100_000)
            );
            let created = client
                .create_mnp_version()
                .mnp_id(mnp_id.as_str())
                .platform_id(platform_id.as_str())
                .mnp_version(version.as_str())
                .file_url("https://files.example.com/tcmpp-demo.zip")
                .mnp_version_intro("created by the tcmpp demo")
                .send()
                .await
                .map_err(explain)?;
            eprintln!(
                "created version {version} (request id {})",
                created.request_id
            );
            let listed = describe(&client, mnp_id, platform_id).await?;
            print_json(&serde_json::json!({
                "CreateMNPVersion": created,
                "DescribeMNPAllStageVersions": listed,
            }))
        }
    }
}

/// The client, and the embedded mock when it answers instead of the service.
async fn client(target: &Target) -> Result<(Client, Option<MockServer>), String> {
    let region = target
        .region
        .clone()
        .or_else(|| std::env::var("TENCENTCLOUD_REGION").ok())
        .unwrap_or_else(|| "ap-singapore".to_owned());
    let builder = Client::builder().region(region);
    if let Some(endpoint) = &target.endpoint {
        return Ok((
            builder.endpoint(endpoint).build().map_err(|e| report(&e))?,
            None,
        ));
    }
    if local_credentials().await?.is_some() {
        return Ok((builder.build().map_err(|e| report(&e))?, None));
    }
    let mock = MockServer::start()
        .await
        .map_err(|e| format!("cannot start the mock: {e}"))?;
    eprintln!(
        "no --endpoint and no credentials: using an embedded mock at {} (set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY to call Tencent Cloud)",
        mock.endpoint()
    );
    let client = builder
        .endpoint(mock.endpoint())
        .credentials(mock.credentials())
        .build()
        .map_err(|e| report(&e))?;
    Ok((client, Some(mock)))
}

/// Credentials from the environment or a profile file. The CVM role is not
/// probed: deciding whether to use the mock must not reach for the network.
async fn local_credentials() -> Result<Option<tcmpp_api::credentials::Credentials>, String> {
    for found in [
        EnvironmentProvider::new().provide_credentials().await,
        ProfileFileProvider::new().provide_credentials().await,
    ] {
        match found {
            Ok(c) => return Ok(Some(c)),
            Err(CredentialsError::NotFound { .. }) => {}
            Err(e) => return Err(report(&e)),
        }
    }
    Ok(None)
}

async fn serve(port: u16) -> Result<(), String> {
    let mut builder = MockServer::builder().port(port);
    let accepted = local_credentials().await?;
    if let Some(creds) = &accepted {
        builder = builder.credentials(creds);
    }
    let mock = builder
        .start()
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    // The first line on stdout is the endpoint, for scripts.
    println!("listening on {}", mock.endpoint());
    match &accepted {
        Some(c) => eprintln!(
            "accepting the SecretId {} found in the environment or profile file",
            c.secret_id()
        ),
        None => eprintln!(
            "no credentials found; accepting the demo key:\n  TENCENTCLOUD_SECRET_ID={DEMO_SECRET_ID}\n  TENCENTCLOUD_SECRET_KEY={DEMO_SECRET_KEY}"
        ),
    }
    eprintln!("serving until interrupted (Ctrl-C)");
    std::future::pending::<()>().await;
    Ok(())
}

async fn describe(
    client: &Client,
    mnp_id: String,
    platform_id: String,
) -> Result<tcmpp_api::describe_mnp_all_stage_versions::DescribeMnpAllStageVersionsOutput, String> {
    client
        .describe_mnp_all_stage_versions()
        .mnp_id(mnp_id)
        .platform_id(platform_id)
        .send()
        .await
        .map_err(explain)
}

/// Code, message and request id of a failed call.
fn explain<E: tcmpp_api::operation::ServiceError>(e: SdkError<E>) -> String {
    match (e.code(), e.request_id()) {
        (Some(code), Some(id)) => format!(
            "{code}: {} (request id {id})",
            e.message().unwrap_or_default()
        ),
        _ => report(&e),
    }
}

/// An error and its causes, one level each: errors say their own part and
/// leave the cause to `source()`.
fn report(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

fn print_json(value: &impl serde::Serialize) -> Result<(), String> {
    let text = if std::io::stdout().is_terminal() {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    println!("{}", text.map_err(|e| e.to_string())?);
    Ok(())
}
