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

Credentials: TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY, a profile file,
or the CVM role. With neither --endpoint nor credentials, an embedded mock
answers. Region: --region, else TENCENTCLOUD_REGION, else ap-singapore.";

const SEED_MNP_ID: &str = "mpg9yjc0qbpkelik";
const SEED_PLATFORM_ID: &str = "T04257DS9431720WTAG";

struct Args {
    endpoint: Option<String>,
    region: Option<String>,
    command: String,
    options: Vec<(String, String)>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        let mut args = std::env::args().skip(1);
        let (mut endpoint, mut region, mut command, mut options) = (None, None, None, Vec::new());
        while let Some(a) = args.next() {
            if a == "-h" || a == "--help" {
                return Err(String::new());
            }
            if let Some(name) = a.strip_prefix("--") {
                let value = args.next().ok_or(format!("--{name} needs a value"))?;
                match name {
                    "endpoint" => endpoint = Some(value),
                    "region" => region = Some(value),
                    _ => options.push((name.to_owned(), value)),
                }
            } else if command.is_none() {
                command = Some(a);
            } else {
                return Err(format!("unexpected argument {a:?}"));
            }
        }
        Ok(Args {
            endpoint,
            region,
            command: command.ok_or("no command")?,
            options,
        })
    }

    fn take(&mut self, name: &str) -> Option<String> {
        let i = self.options.iter().position(|(n, _)| n == name)?;
        Some(self.options.remove(i).1)
    }

    fn require(&mut self, name: &str) -> Result<String, String> {
        self.take(name)
            .ok_or(format!("{} needs --{name}", self.command))
    }

    fn finish(&self) -> Result<(), String> {
        match self.options.first() {
            Some((name, _)) => Err(format!("{} does not take --{name}", self.command)),
            None => Ok(()),
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = match Args::parse() {
        Ok(a) => a,
        Err(msg) if msg.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("error: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&mut args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: &mut Args) -> Result<(), String> {
    if args.command == "serve" {
        let port = args
            .take("port")
            .map(|p| p.parse::<u16>().map_err(|_| format!("bad port {p:?}")))
            .transpose()?;
        args.finish()?;
        return serve(port.unwrap_or(0)).await;
    }
    // Keep the mock alive for as long as the command runs.
    let (client, _mock) = client(args).await?;
    match args.command.as_str() {
        "describe" => {
            let (mnp_id, platform_id) = (args.require("mnp-id")?, args.require("platform-id")?);
            args.finish()?;
            print_json(&describe(&client, mnp_id, platform_id).await?)
        }
        "create" => {
            let out = client
                .create_mnp_version()
                .mnp_id(args.require("mnp-id")?)
                .platform_id(args.require("platform-id")?)
                .mnp_version(args.require("version")?)
                .file_url(args.require("file-url")?)
                .mnp_version_intro(args.require("intro")?)
                .send()
                .await
                .map_err(explain)?;
            args.finish()?;
            print_json(&out)
        }
        "demo" => {
            let mnp_id = args
                .take("mnp-id")
                .unwrap_or_else(|| SEED_MNP_ID.to_owned());
            let platform_id = args
                .take("platform-id")
                .unwrap_or_else(|| SEED_PLATFORM_ID.to_owned());
            args.finish()?;
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
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    }
}

/// The client, and the embedded mock when it answers instead of the service.
async fn client(args: &Args) -> Result<(Client, Option<MockServer>), String> {
    let region = args
        .region
        .clone()
        .or_else(|| std::env::var("TENCENTCLOUD_REGION").ok())
        .unwrap_or_else(|| "ap-singapore".to_owned());
    let builder = Client::builder().region(region);
    if let Some(endpoint) = &args.endpoint {
        return Ok((
            builder
                .endpoint(endpoint)
                .build()
                .map_err(|e| e.to_string())?,
            None,
        ));
    }
    if local_credentials().await?.is_some() {
        return Ok((builder.build().map_err(|e| e.to_string())?, None));
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
        .map_err(|e| e.to_string())?;
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
            Err(e) => return Err(e.to_string()),
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
        _ => e.to_string(),
    }
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
