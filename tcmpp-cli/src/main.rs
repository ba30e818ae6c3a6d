//! `tcmpp`: call Tencent Cloud's TCMPP API, or its successor TCSAS
//! (`--service tcsas`), from the command line, or serve a local mock of both
//! for tests in any language.
//!
//! The whole command line is parsed and checked first (clap; then
//! `--endpoint` and `--region` by the client's own rules, and for `call` the
//! action, the JSON body and its top-level members against the chosen
//! service's operations table); only then does a command print a notice, look
//! for credentials, build a client, start a mock or send a request. A usage
//! error exits with status 2, a failed call with 1.

mod body;
mod output;
mod progress;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use serde_json::{Map, Value};

use tencentcloud_credentials::WebIdentityProvider;
use tencentcloud_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockServer};
use tencentcloud_redis_budget::RedisBudget;
use tencentcloud_runtime::config::{Endpoint, check_region};
use tencentcloud_runtime::credentials::{
    Credentials, CredentialsError, DefaultCredentialsChain, EnvironmentProvider,
    ProfileFileProvider, ProvideCredentials, TKE_OIDC_VARIABLES,
};
use tencentcloud_runtime::operation::{OperationInfo, ServiceInfo};
use tencentcloud_runtime::paginate::JsonPages;
use tencentcloud_runtime::{Client, ClientBuilder};

use output::{Failure, Format, Out};

const SEED_MNP_ID: &str = "mpg9yjc0qbpkelik";
const SEED_PLATFORM_ID: &str = "T04257DS9431720WTAG";

/// Call Tencent Cloud's TCMPP (mini program platform) API or its successor
/// TCSAS, or serve a local mock of both that verifies requests like the
/// service.
#[derive(Debug, Parser)]
#[command(
    name = "tcmpp",
    version,
    subcommand_required = true,
    after_long_help = "\
Credentials, in this order: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY
(and TENCENTCLOUD_SESSION_TOKEN), a profile file (~/.tencentcloud/credentials),
a TKE pod's own role (TKE_REGION, TKE_PROVIDER_ID, TKE_WEB_IDENTITY_TOKEN_FILE,
TKE_ROLE_ARN: its token exchanged at STS, --sts-endpoint), then the CVM role.
The pod's role comes before the CVM role, which in a pod is the node's; some
TKE_* variables set without the others is an error, never a fall-through.
With neither --endpoint nor credentials in the environment, a profile file or
TKE_* variables, describe, create, call and demo run against an embedded mock
and say so. Region: --region, else TENCENTCLOUD_REGION, else ap-singapore.

Output: results are JSON on stdout. Errors, notices and progress (retries,
rate-limit waits, every 5 s a call goes unanswered) go to stderr, as text
or, with --format json, one JSON object per line: {\"error\":{\"kind\",\"code\",\"message\",\"request_id\"}},
{\"notice\":\"...\"}, {\"progress\":{...}}.

Exit status: 0 success, 1 a failed call, 2 a bad command line or a refused
command (nothing was sent)."
)]
struct Cli {
    /// The API describe, create, call, actions and demo reach; the first
    /// possible value is the default. `serve` serves them all.
    #[arg(long, global = true, value_name = "SERVICE", value_parser = Service::parser())]
    service: Option<Service>,
    #[command(flatten)]
    target: Target,
    /// How errors, notices and progress are printed on stderr.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// No progress lines (retries, rate-limit waits, calls still waiting) on stderr.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

/// The services `--service` names, the first the default: their crates'
/// operations tables. A service added here (and to the test server's
/// features in Cargo.toml, so `serve` serves it) is reachable by every
/// command.
const SERVICES: &[ServiceInfo] = &[tcmpp_api::SERVICE, tcsas_api::SERVICE, sts_api::SERVICE];

/// One of [`SERVICES`].
#[derive(Clone, Copy, Debug)]
struct Service(&'static ServiceInfo);

impl Default for Service {
    fn default() -> Self {
        Service(&SERVICES[0])
    }
}

impl PartialEq for Service {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}

impl Service {
    /// `--service`'s values: the names in [`SERVICES`], listed in help and errors.
    fn parser() -> impl clap::builder::TypedValueParser<Value = Service> {
        use clap::builder::TypedValueParser;
        clap::builder::PossibleValuesParser::new(SERVICES.iter().map(|s| s.name)).map(|name| {
            let found = SERVICES.iter().find(|s| s.name == name);
            // The parser accepted only these names.
            Service(found.unwrap_or(&SERVICES[0]))
        })
    }

    fn info(self) -> ServiceInfo {
        *self.0
    }

    /// As `--service` takes it.
    fn flag(self) -> &'static str {
        self.0.name
    }

    fn is_default(self) -> bool {
        self == Service::default()
    }
}

/// Where the API commands send their requests; before or after the command.
#[derive(Debug, Default, Args)]
struct Target {
    /// The endpoint URL, e.g. `http://127.0.0.1:PORT` of a `tcmpp serve`:
    /// http or https, a host and an optional port, nothing else.
    ///
    /// Default: Tencent Cloud's (`https://tcmpp.tencentcloudapi.com`, with
    /// --service tcsas `https://tcsas.intl.tencentcloudapi.com`), or the
    /// embedded mock when no credentials are found.
    #[arg(long, value_name = "URL", value_parser = non_blank)]
    endpoint: Option<String>,
    /// The region. Default: TENCENTCLOUD_REGION, else ap-singapore.
    #[arg(long, value_name = "REGION", value_parser = non_blank)]
    region: Option<String>,
    /// Give up on a call after this many seconds, retries included
    /// (default 30 s per attempt, as the client's).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    timeout: Option<u64>,
    /// Where a TKE pod's token is exchanged for its role (STS
    /// AssumeRoleWithWebIdentity), e.g. a `tcmpp serve`.
    ///
    /// Default: `https://sts.tencentcloudapi.com`.
    #[arg(long, value_name = "URL", value_parser = non_blank)]
    sts_endpoint: Option<String>,
    /// Share each action's rate limit with every `tcmpp` and client that
    /// uses this Redis (`redis://[:PASSWORD@]HOST[:PORT]`): one budget per
    /// account, endpoint, region and action across processes and machines.
    /// If Redis does not answer, each process keeps to a quarter of the
    /// limit and says so once.
    ///
    /// Default: TCMPP_RATE_BUDGET, else a budget of this process's own.
    #[arg(long, value_name = "URL", value_parser = non_blank)]
    rate_budget: Option<String>,
    /// `--service`, set by `Cli::check` (a global flag, not one of these).
    #[arg(skip)]
    service: Service,
}

/// A mini program and its platform.
#[derive(Debug, Args)]
struct Program {
    /// The mini program's id (MNPId).
    #[arg(long, value_name = "ID", value_parser = non_blank)]
    mnp_id: String,
    /// The platform's id (PlatformId).
    #[arg(long, value_name = "ID", value_parser = non_blank)]
    platform_id: String,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every version of a mini program (DescribeMNPAllStageVersions).
    Describe {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        program: Program,
    },
    /// Create a mini program version (CreateMNPVersion).
    ///
    /// This writes: on any endpoint but the embedded mock it says on stderr
    /// where it sends before sending. If the call fails after the request
    /// may have reached the service, it says so and prints the describe
    /// command that shows whether the version exists.
    Create {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        program: Program,
        /// The version number, e.g. 1.0.3 (MNPVersion).
        #[arg(long, value_name = "X.Y.Z", value_parser = non_blank)]
        version: String,
        /// The package's absolute http:// or https:// URL (FileUrl).
        #[arg(long, value_name = "URL")]
        file_url: String,
        /// What the version brings (MNPVersionIntro).
        #[arg(long, value_name = "TEXT", value_parser = non_blank)]
        intro: String,
    },
    /// Call any action of the chosen service with a JSON body.
    ///
    /// The action, the body's top-level members and its required members are
    /// checked against the API's own list before anything is sent.
    #[command(after_long_help = "\
Examples:
  tcmpp call DescribeMNPAllStageVersions --json '{\"MNPId\":\"mpg9yjc0qbpkelik\",\"PlatformId\":\"T04257DS9431720WTAG\"}'
  tcmpp call CreateMNPVersion --json @version.json
  tcmpp --service tcsas call DescribeMNPList --json '{\"PlatformId\":\"T04257DS9431720WTAG\",\"Offset\":0,\"Limit\":10}'

The body is one JSON object of at most 1 MiB with no repeated key. The
answer's Response object is printed on stdout (indented on a terminal, one
line otherwise). Actions other than Describe* write: on a real endpoint the
program says where before sending.")]
    Call {
        #[command(flatten)]
        target: Target,
        /// The action, e.g. DescribeMNPAllStageVersions (`tcmpp actions` lists them).
        #[arg(value_name = "ACTION")]
        action: String,
        /// The body: a JSON object, @FILE to read it from a regular file, or
        /// - (or @-) for stdin.
        #[arg(long, value_name = "BODY")]
        json: String,
        /// Walk every page of a paginated action (Offset/Limit) from the
        /// body's offset, printing each item as one JSON line.
        #[arg(long)]
        all_pages: bool,
    },
    /// List the chosen service's actions, one a line; --json adds their facts
    /// and members.
    Actions {
        /// A JSON array: per action retry_safe, rate_limit_per_second and
        /// its required and optional members.
        #[arg(long)]
        json: bool,
    },
    /// Create a version, then list all versions (the embedded mock without credentials).
    ///
    /// With no credentials and no --endpoint it runs against an embedded mock,
    /// and says so.
    #[command(after_long_help = "\
With credentials in the environment or a profile file and no --endpoint, demo
would create a real version on Tencent Cloud: it refuses unless given --live.")]
    Demo {
        #[command(flatten)]
        target: Target,
        /// The mini program's id (MNPId).
        #[arg(long, value_name = "ID", value_parser = non_blank, default_value = SEED_MNP_ID)]
        mnp_id: String,
        /// The platform's id (PlatformId).
        #[arg(long, value_name = "ID", value_parser = non_blank, default_value = SEED_PLATFORM_ID)]
        platform_id: String,
        /// Create the version on Tencent Cloud with the credentials found.
        #[arg(long)]
        live: bool,
    },
    /// Run the mock server of TCMPP and TCSAS (and STS) on 127.0.0.1, for
    /// tests in any language.
    ///
    /// It serves the services on one port, in the foreground. The first
    /// line on stdout is exactly `listening on http://127.0.0.1:PORT`. STS
    /// issues temporary keys (AssumeRole; AssumeRoleWithWebIdentity with
    /// --web-identity-token-file) that it then accepts for TCMPP and TCSAS
    /// until they expire.
    #[command(after_long_help = "\
It serves TCMPP (service tcmpp, version 2024-08-01) and TCSAS (service tcsas,
version 2025-01-06) on one port. A request goes to the service its Host's
first label names (tcsas.localhost:PORT), else its TC3 credential scope
(Credential=ID/DATE/tcsas/tc3_request), else its Version (v1 signatures
carry no scope); a scope or version of the other service is refused as the
service refuses it (AuthFailure.SignatureFailure, NoSuchVersion).

It serves STS (service sts, version 2018-08-13) on the same port: AssumeRole
and, with --web-identity-token-file, AssumeRoleWithWebIdentity (unsigned, as
Tencent's SDKs send it) issue temporary keys, which TCMPP and TCSAS then
accept with their token until they expire.

The server verifies signatures (TC3-HMAC-SHA256 and v1), timestamps, the
version, action and parameters like the service, answers every action
(the resource families' with state: teams, users, applications, mini
programs, domains, approvals... are created, listed with a true total,
described, modified and deleted, an unknown id answered its documented
code; CreateMNPVersion and DescribeMNPAllStageVersions keep versions; each
service its own; the others with their documented example), and enforces
each action's rate limit per service. It accepts the SecretId and key found in
the environment or a profile file, else a demo key it prints on stderr. It
runs until interrupted.

A test suite starts it, reads the first stdout line for the endpoint, and
points its client there with the same credentials.")]
    Serve {
        /// The port on 127.0.0.1 (0: a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Serve HTTPS, with a certificate for 127.0.0.1, ::1 and localhost
        /// from a certificate authority made at start (needs --ca-file).
        #[arg(long, requires = "ca_file")]
        https: bool,
        /// With --https: where to write the root certificate clients must
        /// trust (Node: NODE_EXTRA_CA_CERTS; Tencent's Python SDK:
        /// HttpProfile(certification=PATH); tcmpp-api: add_root_certificate_pem);
        /// written whole before the listening line.
        #[arg(long, value_name = "PATH", requires = "https")]
        ca_file: Option<PathBuf>,
        /// Accept the OpenID Connect token in this file (read once, at most
        /// 64 KiB) in STS AssumeRoleWithWebIdentity, for a client that plays
        /// a TKE pod (TKE_WEB_IDENTITY_TOKEN_FILE). Never printed.
        #[arg(long, value_name = "PATH")]
        web_identity_token_file: Option<PathBuf>,
        /// With --web-identity-token-file: the identity provider it is for
        /// (TKE_PROVIDER_ID).
        #[arg(long, value_name = "ID", default_value = "OIDC", value_parser = non_blank)]
        web_identity_provider: String,
    },
}

/// A value that is not empty or only spaces.
fn non_blank(value: &str) -> Result<String, String> {
    if value.trim().is_empty() {
        return Err("needs a non-empty value".to_owned());
    }
    Ok(value.to_owned())
}

/// A command line, fully parsed and checked. Nothing is sent, started or
/// listened on before one of these exists.
#[derive(Debug)]
enum Checked {
    Describe(Target, Program),
    Create(Target, CreateArgs),
    Call {
        target: Target,
        action: &'static OperationInfo,
        body: Map<String, Value>,
        all_pages: bool,
    },
    Actions {
        service: Service,
        json: bool,
    },
    Demo {
        target: Target,
        program: Program,
        live: bool,
    },
    Serve {
        port: u16,
        /// With `--https`: where the root certificate is written.
        ca_file: Option<PathBuf>,
        /// `(ProviderId, token file)` STS accepts.
        web_identity: Option<(String, PathBuf)>,
    },
}

/// The members of one CreateMNPVersion call.
#[derive(Debug)]
struct CreateArgs {
    program: Program,
    version: String,
    file_url: String,
    intro: String,
}

impl Target {
    /// The flags given before the command and after it, each at most once.
    fn merge(self, after: Target, problems: &mut Vec<String>) -> Target {
        fn one<T>(
            problems: &mut Vec<String>,
            name: &str,
            before: Option<T>,
            after: Option<T>,
        ) -> Option<T> {
            if before.is_some() && after.is_some() {
                problems.push(format!("--{name} is given more than once"));
            }
            after.or(before)
        }
        let merged = Target {
            endpoint: one(problems, "endpoint", self.endpoint, after.endpoint),
            region: one(problems, "region", self.region, after.region),
            timeout: one(problems, "timeout", self.timeout, after.timeout),
            sts_endpoint: one(
                problems,
                "sts-endpoint",
                self.sts_endpoint,
                after.sts_endpoint,
            ),
            rate_budget: one(problems, "rate-budget", self.rate_budget, after.rate_budget),
            service: self.service,
        };
        merged.check(problems);
        merged
    }

    /// The endpoint and region, by the client's own rules, so that a value
    /// it would refuse is a usage error before any notice, credentials
    /// lookup or connection. Messages never repeat a URL's password.
    fn check(&self, problems: &mut Vec<String>) {
        if let Some(Err(e)) = self.endpoint.as_deref().map(Endpoint::parse) {
            problems.push(format!("--endpoint: {e}"));
        }
        if let Some(Err(e)) = self.sts_endpoint.as_deref().map(Endpoint::parse) {
            problems.push(format!("--sts-endpoint: {e}"));
        }
        if let Some(Err(e)) = self.rate_budget().map(|url| RedisBudget::new(&url)) {
            let from = match self.rate_budget {
                Some(_) => "--rate-budget",
                None => "TCMPP_RATE_BUDGET",
            };
            problems.push(format!("{from}: {e}"));
        }
        if let Err(e) = check_region(&self.region()) {
            let from = match self.region {
                Some(_) => "--region",
                None => "TENCENTCLOUD_REGION",
            };
            problems.push(format!("{from}: {e}"));
        }
    }

    /// `--rate-budget`, else a non-empty TCMPP_RATE_BUDGET.
    fn rate_budget(&self) -> Option<String> {
        self.rate_budget.clone().or_else(|| {
            std::env::var("TCMPP_RATE_BUDGET")
                .ok()
                .filter(|v| !v.trim().is_empty())
        })
    }

    /// `--region`, else TENCENTCLOUD_REGION, else ap-singapore.
    fn region(&self) -> String {
        self.region
            .clone()
            .or_else(|| std::env::var("TENCENTCLOUD_REGION").ok())
            .unwrap_or_else(|| "ap-singapore".to_owned())
    }
}

impl Cli {
    /// The checks clap does not make. Values are never echoed for
    /// `--file-url` (a presigned URL carries a token) nor for `--json`.
    fn check(self) -> Result<Checked, Vec<String>> {
        let mut problems = Vec::new();
        let service = self.service;
        let top = Target {
            service: service.unwrap_or_default(),
            ..self.target
        };
        let mut local = |command: &str| {
            let given = [
                ("endpoint", top.endpoint.is_some()),
                ("region", top.region.is_some()),
                ("timeout", top.timeout.is_some()),
                ("sts-endpoint", top.sts_endpoint.is_some()),
                ("rate-budget", top.rate_budget.is_some()),
            ];
            for (name, given) in given {
                if given {
                    problems.push(format!("{command} does not take --{name}"));
                }
            }
        };
        let checked = match self.command {
            Command::Actions { json } => {
                local("actions");
                Checked::Actions {
                    service: top.service,
                    json,
                }
            }
            Command::Serve {
                port,
                https: _, // clap makes --https and --ca-file go together
                ca_file,
                web_identity_token_file,
                web_identity_provider,
            } => {
                local("serve");
                if service.is_some() {
                    problems.push(
                        "serve does not take --service: it serves TCMPP, TCSAS and STS on one port"
                            .to_owned(),
                    );
                }
                Checked::Serve {
                    port,
                    ca_file,
                    web_identity: web_identity_token_file.map(|f| (web_identity_provider, f)),
                }
            }
            Command::Describe { target, program } => {
                Checked::Describe(top.merge(target, &mut problems), program)
            }
            Command::Create {
                target,
                program,
                version,
                file_url,
                intro,
            } => {
                if !is_http_url(&file_url) {
                    problems
                        .push("--file-url must be an absolute http:// or https:// URL".to_owned());
                }
                let input = CreateArgs {
                    program,
                    version,
                    file_url,
                    intro,
                };
                Checked::Create(top.merge(target, &mut problems), input)
            }
            Command::Demo {
                target,
                mnp_id,
                platform_id,
                live,
            } => Checked::Demo {
                target: top.merge(target, &mut problems),
                program: Program {
                    mnp_id,
                    platform_id,
                },
                live,
            },
            Command::Call {
                target,
                action,
                json,
                all_pages,
            } => {
                let target = top.merge(target, &mut problems);
                let action =
                    body::find_action(target.service, &action).map_err(|p| problems.push(p));
                let body = body::read_body(&json).map_err(|p| problems.push(p));
                match (action, body) {
                    (Ok(action), Ok(body)) => {
                        problems.extend(body::check_members(action, &body));
                        if all_pages && action.paginated.is_none() {
                            problems.push(format!(
                                "--all-pages: {} is not paginated (its request has no Offset/Limit)",
                                action.action
                            ));
                        }
                        Checked::Call {
                            target,
                            action,
                            body,
                            all_pages,
                        }
                    }
                    _ => return Err(problems),
                }
            }
        };
        if problems.is_empty() {
            Ok(checked)
        } else {
            Err(problems)
        }
    }
}

/// An absolute `http://` or `https://` URL with a host.
fn is_http_url(text: &str) -> bool {
    url::Url::parse(text)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// The shared rate budget (`--rate-budget`), flushed before exit.
static BUDGET: std::sync::OnceLock<RedisBudget> = std::sync::OnceLock::new();

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Known before parsing, so that a bad command line is reported as asked.
    let out = Out::new(Format::scan(&args));
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return out.clap_error(&e),
    };
    let out = Out::new(cli.format);
    if !cli.quiet {
        progress::install(cli.format == Format::Json);
    }
    let result = match cli.check() {
        Ok(checked) => run(checked, &out).await,
        Err(problems) => Err(Failure::usage(problems)),
    };
    if let Some(budget) = BUDGET.get() {
        // This process's slots stop counting a window after their answers,
        // not at the end of their leases.
        budget.flush().await;
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => out.fail(&failure),
    }
}

async fn run(command: Checked, out: &Out) -> Result<(), Failure> {
    match command {
        Checked::Serve {
            port,
            ca_file,
            web_identity,
        } => serve(port, ca_file.as_deref(), web_identity, out).await,
        Checked::Actions {
            service,
            json: false,
        } => {
            for op in service.info().operations {
                println!("{}", op.action);
            }
            Ok(())
        }
        Checked::Actions {
            service,
            json: true,
        } => {
            /// One entry of `actions --json`, in this order.
            #[derive(serde::Serialize)]
            struct Entry {
                action: &'static str,
                retry_safe: bool,
                rate_limit_per_second: u32,
                required: Vec<&'static str>,
                optional: Vec<&'static str>,
            }
            let members = |op: &OperationInfo, required: bool| {
                let wanted = op.request.iter().filter(move |p| p.required == required);
                wanted.map(|p| p.name).collect()
            };
            let list: Vec<Entry> = service
                .info()
                .operations
                .iter()
                .map(|op| Entry {
                    action: op.action,
                    retry_safe: op.retry_safe,
                    rate_limit_per_second: op.rate_limit_per_second,
                    required: members(op, true),
                    optional: members(op, false),
                })
                .collect();
            output::print_json(&list)
        }
        Checked::Call {
            target,
            action,
            body,
            all_pages: true,
        } => {
            let api = Api::connect(&target, out).await?;
            let Some(mut pages) = JsonPages::new(api.client.clone(), action, body) else {
                return Err(Failure::local(format!(
                    "{} is not paginated",
                    action.action
                )));
            };
            while let Some(page) = progress::patiently(action.action, pages.next()).await {
                let page = page.map_err(|e| Failure::from_sdk(&e))?;
                for item in pages.items(&page) {
                    output::print_json_line(item)?;
                }
            }
            Ok(())
        }
        Checked::Call {
            target,
            action,
            body,
            all_pages: false,
        } => {
            let api = Api::connect(&target, out).await?;
            let writes = !action.action.starts_with("Describe");
            if writes {
                api.announce_write(action.action, out);
            }
            let params = Value::Object(body.clone());
            let call = api.client.call_json(action.action, &params);
            let response = progress::patiently(action.action, call).await;
            let response = response.map_err(|e| {
                let failure = Failure::from_sdk(&e);
                if action.action == "CreateMNPVersion" {
                    let member = |name| body.get(name).and_then(Value::as_str).unwrap_or("ID");
                    let program = Program {
                        mnp_id: member("MNPId").to_owned(),
                        platform_id: member("PlatformId").to_owned(),
                    };
                    failure.after_create(&e, &target, &program, member("MNPVersion"))
                } else {
                    failure
                }
            })?;
            output::print_json(&response)
        }
        Checked::Describe(target, program) => {
            // Keep the mock alive for as long as the command runs.
            let api = Api::connect(&target, out).await?;
            output::print_json(&describe(&api.client, &program).await?)
        }
        Checked::Create(target, input) => {
            let api = Api::connect(&target, out).await?;
            output::print_json(&api.create(&target, &input, out).await?)
        }
        Checked::Demo {
            target,
            program,
            live,
        } => {
            let api = Api::connect(&target, out).await?;
            match (&api.mock, target.endpoint.is_some(), live) {
                (None, false, false) => {
                    return Err(Failure::refused(
                        "demo would create a version on Tencent Cloud (credentials were found in \
                         the environment, a profile file or TKE_* variables, and no --endpoint was given); nothing \
                         was sent. Pass --live to create it there, --endpoint URL to use a test \
                         server, or unset TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY to use \
                         the embedded mock",
                    ));
                }
                (Some(_), _, true) => {
                    return Err(Failure::refused(
                        "demo --live needs credentials (TENCENTCLOUD_SECRET_ID and \
                         TENCENTCLOUD_SECRET_KEY, or a profile file) and none were found; nothing \
                         was sent",
                    ));
                }
                _ => {}
            }
            let version = format!(
                "1.0.{}",
                std::time::UNIX_EPOCH
                    .elapsed()
                    .map_or(1, |d| d.as_secs() % 100_000)
            );
            let input = CreateArgs {
                program,
                version,
                file_url: "https://files.example.com/tcmpp-demo.zip".to_owned(),
                intro: "created by the tcmpp demo".to_owned(),
            };
            let created = api.create(&target, &input, out).await?;
            out.notice(&format!(
                "created version {} (request id {})",
                input.version,
                created["RequestId"].as_str().unwrap_or("none")
            ));
            let listed = describe(&api.client, &input.program).await?;
            output::print_json(&serde_json::json!({
                "CreateMNPVersion": created,
                "DescribeMNPAllStageVersions": listed,
            }))
        }
    }
}

/// A client, and the embedded mock when it answers instead of the service.
struct Api {
    client: Client,
    /// Kept alive for as long as the command runs.
    mock: Option<MockServer>,
}

impl Api {
    async fn connect(target: &Target, out: &Out) -> Result<Api, Failure> {
        let mut builder =
            ClientBuilder::<Client>::new(target.service.info()).region(target.region());
        if let Some(url) = target.rate_budget() {
            // Checked by `Target::check`.
            let budget = RedisBudget::new(&url).map_err(|e| Failure::usage(vec![e.to_string()]))?;
            builder = builder.rate_budget(BUDGET.get_or_init(|| budget).clone());
        }
        if let Some(seconds) = target.timeout {
            builder = builder.timeout(std::time::Duration::from_secs(seconds));
        }
        let chain = default_chain(target.sts_endpoint.as_deref())?;
        let built = |b: ClientBuilder| {
            b.credentials(chain)
                .build()
                .map_err(|e| Failure::config(&e))
        };
        // A TKE pod's role counts as credentials found: the chain uses it.
        let pod = pod_role_configured();
        if let Some(endpoint) = &target.endpoint {
            let builder = builder.endpoint(endpoint);
            // A loopback endpoint is a `tcmpp serve` or another test server:
            // without credentials of their own, sign with the mock's demo
            // key rather than ask the CVM metadata service for a role.
            // (`Cli::check` refused an endpoint that does not parse.)
            let loopback = Endpoint::parse(endpoint).is_ok_and(|e| e.is_loopback());
            if loopback && !pod && local_credentials().await?.is_none() {
                out.notice(&format!(
                    "no credentials found: signing with the mock's demo key \
                     ({DEMO_SECRET_ID}) for the loopback endpoint {endpoint}"
                ));
                let client = builder
                    .credentials(tencentcloud_mock::demo_credentials())
                    .build()
                    .map_err(|e| Failure::config(&e))?;
                return Ok(Api { client, mock: None });
            }
            let client = built(builder)?;
            return Ok(Api { client, mock: None });
        }
        if pod || local_credentials().await?.is_some() {
            let client = built(builder)?;
            return Ok(Api { client, mock: None });
        }
        let mock = MockServer::start()
            .await
            .map_err(|e| Failure::local(format!("cannot start the mock: {e}")))?;
        out.notice(&format!(
            "no --endpoint and no credentials: using an embedded mock at {} (set \
             TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY to call Tencent Cloud)",
            mock.endpoint()
        ));
        let client = builder
            .endpoint(mock.endpoint())
            .credentials(mock.credentials())
            .build()
            .map_err(|e| Failure::config(&e))?;
        Ok(Api {
            client,
            mock: Some(mock),
        })
    }

    /// Says where a write goes, unless the embedded mock takes it.
    fn announce_write(&self, action: &str, out: &Out) {
        if self.mock.is_none() {
            out.notice(&format!(
                "sending {action} to {} (region {}): this writes",
                self.client.endpoint(),
                self.client.region()
            ));
        }
    }

    async fn create(
        &self,
        target: &Target,
        input: &CreateArgs,
        out: &Out,
    ) -> Result<Value, Failure> {
        self.announce_write("CreateMNPVersion", out);
        let params = serde_json::json!({
            "MNPId": input.program.mnp_id,
            "PlatformId": input.program.platform_id,
            "MNPVersion": input.version,
            "FileUrl": input.file_url,
            "MNPVersionIntro": input.intro,
        });
        let call = self.client.call_json("CreateMNPVersion", &params);
        progress::patiently("CreateMNPVersion", call)
            .await
            .map_err(|e| {
                Failure::from_sdk(&e).after_create(&e, target, &input.program, &input.version)
            })
    }
}

/// The full default chain (`tencentcloud-credentials`): environment,
/// profile file, a TKE pod's role (exchanged at `sts_endpoint`, else
/// Tencent's STS), then the CVM role.
fn default_chain(sts_endpoint: Option<&str>) -> Result<DefaultCredentialsChain, Failure> {
    let Some(url) = sts_endpoint else {
        return Ok(tencentcloud_credentials::default_chain());
    };
    let pod = WebIdentityProvider::tke_builder()
        .endpoint(url)
        .build()
        .map_err(|e| Failure::config(&e))?;
    Ok(DefaultCredentialsChain::new().with_web_identity(Arc::new(pod)))
}

/// Whether any of the `TKE_*` variables of a pod's role is set (not empty).
fn pod_role_configured() -> bool {
    TKE_OIDC_VARIABLES
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// Credentials from the environment or a profile file. The CVM role is not
/// probed: deciding whether to use the mock must not reach for the network.
async fn local_credentials() -> Result<Option<Credentials>, Failure> {
    for found in [
        EnvironmentProvider::new().provide_credentials().await,
        ProfileFileProvider::new().provide_credentials().await,
    ] {
        match found {
            Ok(c) => return Ok(Some(c)),
            Err(CredentialsError::NotFound { .. }) => {}
            Err(e) => return Err(Failure::config(&e)),
        }
    }
    Ok(None)
}

async fn serve(
    port: u16,
    ca_file: Option<&Path>,
    web_identity: Option<(String, PathBuf)>,
    out: &Out,
) -> Result<(), Failure> {
    let mut builder = MockServer::builder().port(port).https(ca_file.is_some());
    let accepted = local_credentials().await?;
    if let Some(creds) = &accepted {
        builder = builder.credentials(creds);
    }
    if let Some((provider, file)) = &web_identity {
        let token = read_token_file(file)?;
        builder = builder.web_identity_token(provider, token);
        out.notice(&format!(
            "STS accepts the web identity token in {} for the identity provider {provider}",
            file.display()
        ));
    }
    let mock = builder
        .start()
        .await
        .map_err(|e| Failure::local(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    if let (Some(path), Some(pem)) = (ca_file, mock.ca_certificate_pem()) {
        write_whole(path, pem.as_bytes()).map_err(|e| {
            Failure::local(format!(
                "cannot write the CA certificate to {}: {e}",
                path.display()
            ))
        })?;
        out.notice(&format!(
            "HTTPS: trust the root certificate in {} (NODE_EXTRA_CA_CERTS, or \
             HttpProfile(certification=...) in Tencent's Python SDK)",
            path.display()
        ));
    }
    // The first line on stdout is the endpoint, for scripts; the CA file is
    // complete before it.
    println!("listening on {}", mock.endpoint());
    let served: Vec<String> = mock
        .services()
        .iter()
        .map(|s| format!("{} {}", s.name, s.version))
        .collect();
    out.notice(&format!(
        "serving {} on this one port: each request goes to the service its Host's \
         first label, TC3 credential scope or Version names",
        match served.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        }
    ));
    out.notice(&match &accepted {
        Some(c) => format!(
            "accepting the SecretId {} found in the environment or profile file",
            c.secret_id()
        ),
        None => format!(
            "no credentials found; accepting the demo key:\n  \
             TENCENTCLOUD_SECRET_ID={DEMO_SECRET_ID}\n  TENCENTCLOUD_SECRET_KEY={DEMO_SECRET_KEY}"
        ),
    });
    out.notice("serving until interrupted (Ctrl-C)");
    std::future::pending::<()>().await;
    Ok(())
}

/// The token in `path` (a regular file of at most 64 KiB, trailing
/// whitespace dropped); errors name the file, never the token.
fn read_token_file(path: &Path) -> Result<String, Failure> {
    let refused = |why: String| {
        Failure::local(format!(
            "--web-identity-token-file {}: {why}",
            path.display()
        ))
    };
    let bytes = tencentcloud_runtime::file::read_regular_file(
        path,
        tencentcloud_credentials::MAX_TOKEN_FILE,
    )
    .map_err(|e| refused(e.to_string()))?;
    let token = String::from_utf8(bytes).map_err(|_| refused("it is not UTF-8 text".to_owned()))?;
    let token = token.trim();
    if token.is_empty() {
        return Err(refused("it is empty".to_owned()));
    }
    Ok(token.to_owned())
}

/// Writes `bytes` to `path` through a temporary file in the same
/// directory, so a reader never sees half a file.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// The versions, as the service sent them (the typed outputs are for
/// programs; a command line prints the answer itself).
async fn describe(client: &Client, program: &Program) -> Result<Value, Failure> {
    let params = serde_json::json!({"MNPId": program.mnp_id, "PlatformId": program.platform_id});
    let call = client.call_json("DescribeMNPAllStageVersions", &params);
    progress::patiently("DescribeMNPAllStageVersions", call)
        .await
        .map_err(|e| Failure::from_sdk(&e))
}
