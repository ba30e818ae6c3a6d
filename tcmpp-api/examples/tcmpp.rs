//! `tcmpp`: a small command-line front end to the TCMPP API and its mock.
//!
//! ```text
//! cargo run --example tcmpp -- [--endpoint URL] [--region REGION] COMMAND
//!   describe --mnp-id ID --platform-id ID
//!   create   --mnp-id ID --platform-id ID --version X.Y.Z --file-url URL --intro TEXT
//!   call     ACTION --json BODY               any action; BODY: JSON object, @FILE or -
//!   actions  [--json]                         list the actions (with their members)
//!   demo     [--mnp-id ID --platform-id ID]   create a version, then list all versions
//!   serve    [--port N] [--https --ca-file PATH]  run the mock in the foreground
//! ```
//!
//! The whole command line is parsed and checked first (unknown, repeated or
//! valueless flags, missing required flags, bad values; for `call`, the
//! action, the JSON body and its top-level members against
//! `tcmpp_api::OPERATIONS`); only then does a command build a client, start
//! a mock or send a request. A usage error exits with status 2, a failed
//! call with 1.
//!
//! Credentials come from the default chain. With no `--endpoint` and no
//! credentials in the environment or a profile file, the commands run
//! against an embedded mock, and say so on stderr.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use tcmpp_api::create_mnp_version::CreateMnpVersionOutput;
use tcmpp_api::credentials::{
    CredentialsError, EnvironmentProvider, ProfileFileProvider, ProvideCredentials,
};
use tcmpp_api::mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockServer};
use tcmpp_api::operation::OperationInfo;
use tcmpp_api::{Client, OPERATIONS, SdkError};

const USAGE: &str = "\
usage: tcmpp [--endpoint URL] [--region REGION] COMMAND

commands:
  describe --mnp-id ID --platform-id ID
  create   --mnp-id ID --platform-id ID --version X.Y.Z --file-url URL --intro TEXT
  call     ACTION --json BODY                 call any action: BODY is a JSON object,
                                              @FILE to read it from a file, - for stdin
  actions  [--json]                           list the actions; --json adds their members
  demo     [--mnp-id ID] [--platform-id ID]   create a version, then list all versions
  serve    [--port N] [--https --ca-file PATH]
                                              run the mock server in the foreground;
                                              --https: with a certificate for the
                                              loopback names, its root written to PATH

Flags take their value as --flag VALUE or --flag=VALUE. A bad command line
exits with status 2 before anything is sent; call checks the action name and
the body's top-level members against the API's own list first.

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
    Call {
        target: Target,
        action: &'static OperationInfo,
        body: Map<String, Value>,
    },
    Actions {
        json: bool,
    },
    Serve {
        port: u16,
        /// With `--https`: where the root certificate is written.
        ca_file: Option<std::path::PathBuf>,
    },
}

/// `--endpoint` and `--region`: taken by every command that calls the API,
/// before or after the command name.
const TARGET_FLAGS: [&str; 2] = ["endpoint", "region"];

/// Commands that call no API and so take no `--endpoint` or `--region`.
const LOCAL_COMMANDS: [&str; 2] = ["serve", "actions"];

/// Flags that take no value, per command. A flag given after its command's
/// name then does not swallow the next argument.
const SWITCHES: [(&str, &str); 2] = [("actions", "json"), ("serve", "https")];

/// The largest `--json` body `call` reads (from an argument, file or stdin).
const MAX_BODY: usize = 1 << 20;

/// Every problem with a command line, in the order found.
type Problems = Vec<String>;

impl Command {
    /// Parses and checks `args` (without the program name). On error, every
    /// problem found, not just the first. Values are never echoed for flags the
    /// command does not take (one may be a mistyped secret), nor for
    /// `--file-url` (a presigned URL carries a token), nor for `--json`.
    fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, Problems> {
        let mut args = args.into_iter().peekable();
        let (mut command, mut flags, mut problems) = (None, Vec::new(), Problems::new());
        // Words after the command: `call`'s ACTION, or mistakes.
        let mut operands = Vec::new();
        while let Some(arg) = args.next() {
            if arg == "-h" || arg == "--help" {
                return Ok(Command::Help);
            }
            if let Some(flag) = arg.strip_prefix("--") {
                let switch = |name: &str| {
                    SWITCHES
                        .iter()
                        .any(|&(c, n)| command.as_deref() == Some(c) && n == name)
                };
                let (name, value) = match flag.split_once('=') {
                    Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
                    None if switch(flag) => (flag.to_owned(), None),
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
                operands.push(arg);
            }
        }
        let Some(command) = command else {
            problems.push("no command".to_owned());
            return Err(problems);
        };
        // Only `call` takes an operand (its action).
        let takes_operand = usize::from(command == "call");
        for extra in operands.iter().skip(takes_operand) {
            problems.push(format!("unexpected argument {extra:?}"));
        }
        let (parsed, more) = match command.as_str() {
            "describe" => {
                let mut f = Flags::check("describe", &["mnp-id", "platform-id"], flags);
                let parsed = Command::Describe {
                    target: f.target(),
                    mnp_id: f.required("mnp-id"),
                    platform_id: f.required("platform-id"),
                };
                (Some(parsed), f.problems)
            }
            "call" => {
                let mut f = Flags::check("call", &["json"], flags);
                let target = f.target();
                let action = match operands.first() {
                    None => {
                        f.problems
                            .push("call needs an ACTION (`tcmpp actions` lists them)".to_owned());
                        None
                    }
                    Some(name) => find_action(name).map_err(|p| f.problems.push(p)).ok(),
                };
                let json = f.required("json");
                let body = if json.is_empty() {
                    None // already reported
                } else {
                    read_body(&json).map_err(|p| f.problems.push(p)).ok()
                };
                let parsed = match (action, body) {
                    (Some(action), Some(body)) => {
                        f.problems.extend(check_members(action, &body));
                        Some(Command::Call {
                            target,
                            action,
                            body,
                        })
                    }
                    _ => None,
                };
                (parsed, f.problems)
            }
            "actions" => {
                let f = Flags::check("actions", &["json"], flags);
                let json = f.given.iter().any(|n| n == "json");
                (Some(Command::Actions { json }), f.problems)
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
                (Some(parsed), f.problems)
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
                (Some(parsed), f.problems)
            }
            "serve" => {
                let mut f = Flags::check("serve", &["port", "https", "ca-file"], flags);
                let https = f.given.iter().any(|n| n == "https");
                let ca_file = f.optional("ca-file").map(std::path::PathBuf::from);
                match (https, &ca_file) {
                    (true, None) => f.problems.push(
                        "--https needs --ca-file PATH: where to write the root certificate clients must trust".to_owned(),
                    ),
                    (false, Some(_)) => f.problems.push("--ca-file is only for --https".to_owned()),
                    _ => {}
                }
                let port = match f.optional("port") {
                    None => 0,
                    Some(p) => p.parse::<u16>().unwrap_or_else(|_| {
                        f.problems.push(format!(
                            "--port must be a number from 0 to 65535, not {p:?}"
                        ));
                        0
                    }),
                };
                (Some(Command::Serve { port, ca_file }), f.problems)
            }
            other => {
                problems.push(format!("unknown command {other:?}"));
                return Err(problems);
            }
        };
        problems.extend(more);
        match parsed {
            Some(parsed) if problems.is_empty() => Ok(parsed),
            // `None` only comes with a problem noted.
            _ => Err(problems),
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
    /// `--endpoint` and `--region` unless it is a local command), is given
    /// once, and has a non-empty value, or no value if it is a switch.
    fn check(command: &'static str, names: &[&str], flags: Vec<(String, Option<String>)>) -> Flags {
        let takes = |name: &str| {
            names.contains(&name)
                || (!LOCAL_COMMANDS.contains(&command) && TARGET_FLAGS.contains(&name))
        };
        let switch = |name: &str| SWITCHES.contains(&(command, name));
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
                None if switch(&name) => {}
                Some(_) if switch(&name) => f.problems.push(format!("--{name} takes no value")),
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

/// The action named `name`, or a problem that suggests the closest names.
fn find_action(name: &str) -> Result<&'static OperationInfo, String> {
    if let Some(op) = OPERATIONS.iter().find(|op| op.action == name) {
        return Ok(op);
    }
    Err(format!(
        "unknown action {name:?}{} (`tcmpp actions` lists them)",
        did_you_mean(name, OPERATIONS.iter().map(|op| op.action))
    ))
}

/// The body of `call`: `--json` as given, `@FILE`, or `-` for stdin, at most
/// [`MAX_BODY`] bytes, parsed as one JSON object with no repeated key. The
/// problem never quotes the body (it may hold a token).
fn read_body(json: &str) -> Result<Map<String, Value>, String> {
    let bounded = |from: &mut dyn Read, what: &str| {
        let mut bytes = Vec::new();
        from.take(MAX_BODY as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read the --json body from {what}: {e}"))?;
        Ok::<_, String>(bytes)
    };
    let bytes = if json == "-" {
        bounded(&mut std::io::stdin().lock(), "stdin")?
    } else if let Some(path) = json.strip_prefix('@') {
        if path.is_empty() {
            return Err("--json @FILE needs a file name after @".to_owned());
        }
        let what = format!("{path:?}");
        let mut file = std::fs::File::open(path)
            .map_err(|e| format!("cannot read the --json body from {what}: {e}"))?;
        bounded(&mut file, &what)?
    } else {
        json.as_bytes().to_vec()
    };
    if bytes.len() > MAX_BODY {
        return Err(format!(
            "the --json body is over {} MiB; call takes at most that",
            MAX_BODY >> 20
        ));
    }
    let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let Strict(value) = serde_json::from_slice(text)
        .map_err(|e| format!("the --json body is not valid JSON: {e}"))?;
    match value {
        Value::Object(members) => Ok(members),
        other => Err(format!(
            "the --json body must be a JSON object ({{\"Member\": ...}}), not {}",
            match other {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::String(_) => "a string",
                Value::Array(_) => "an array",
                Value::Object(_) => "an object",
            }
        )),
    }
}

/// The body's top-level members against the action's request members: each
/// must be one of them, and each required one must be there (and not null).
fn check_members(op: &OperationInfo, body: &Map<String, Value>) -> Problems {
    let names = || op.request.iter().map(|p| p.name);
    let mut problems = Problems::new();
    for key in body.keys().filter(|k| !names().any(|n| n == k.as_str())) {
        let valid = if op.request.is_empty() {
            "it takes none".to_owned()
        } else {
            format!("valid members: {}", names().collect::<Vec<_>>().join(", "))
        };
        problems.push(format!(
            "{} has no member {key:?}{}; {valid}",
            op.action,
            did_you_mean(key, names())
        ));
    }
    for p in op.request.iter().filter(|p| p.required) {
        if body.get(p.name).is_none_or(Value::is_null) {
            problems.push(format!("{} needs the member {:?}", op.action, p.name));
        }
    }
    problems
}

/// ` (did you mean A or B?)` for the candidates closest to `word`: one that
/// differs only in case, else up to three within a few edits.
fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let lower = word.to_lowercase();
    let mut close: Vec<(usize, &str)> = candidates
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|&(d, c)| d <= 2.max(word.chars().count().max(c.chars().count()) / 4))
        .collect();
    close.sort();
    if close.first().is_some_and(|&(d, _)| d == 0) {
        close.truncate(1);
    }
    let names: Vec<&str> = close.iter().take(3).map(|&(_, c)| c).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => format!(" (did you mean {one}?)"),
        [init @ .., last] => format!(" (did you mean {} or {last}?)", init.join(", ")),
    }
}

/// Levenshtein distance, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substituted = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// A JSON value read with repeated object keys refused: serde_json would
/// silently keep the last, sending something other than what was written.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Strict;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Strict, E> {
        Ok(Strict(Value::Null))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Strict, E> {
        Ok(Strict(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Strict, E> {
        Ok(Strict(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Strict, E> {
        Ok(Strict(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Strict, E> {
        Ok(Strict(v.into()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Strict, E> {
        Ok(Strict(Value::String(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Strict, E> {
        Ok(Strict(Value::String(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Strict(Value::Array(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if members.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "member {key:?} is repeated"
                )));
            }
            let Strict(value) = map.next_value()?;
            members.insert(key, value);
        }
        Ok(Strict(Value::Object(members)))
    }
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
        Command::Serve { port, ca_file } => serve(port, ca_file).await,
        Command::Actions { json: false } => {
            for op in OPERATIONS {
                println!("{}", op.action);
            }
            Ok(())
        }
        Command::Actions { json: true } => {
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
            let list: Vec<Entry> = OPERATIONS
                .iter()
                .map(|op| Entry {
                    action: op.action,
                    retry_safe: op.retry_safe,
                    rate_limit_per_second: op.rate_limit_per_second,
                    required: members(op, true),
                    optional: members(op, false),
                })
                .collect();
            print_json(&list)
        }
        Command::Call {
            target,
            action,
            body,
        } => {
            let (client, _mock) = client(&target).await?;
            let response = client
                .call_json(action.action, &Value::Object(body))
                .await
                .map_err(explain)?;
            print_json(&response)
        }
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
            print_json(&created_json(&out))
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
                "CreateMNPVersion": created_json(&created),
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

async fn serve(port: u16, ca_file: Option<std::path::PathBuf>) -> Result<(), String> {
    let mut builder = MockServer::builder().port(port).https(ca_file.is_some());
    let accepted = local_credentials().await?;
    if let Some(creds) = &accepted {
        builder = builder.credentials(creds);
    }
    let mock = builder
        .start()
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    if let (Some(path), Some(pem)) = (&ca_file, mock.ca_certificate_pem()) {
        write_whole(path, pem.as_bytes())
            .map_err(|e| format!("cannot write the CA certificate to {}: {e}", path.display()))?;
        eprintln!(
            "HTTPS: trust the root certificate in {} (REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS)",
            path.display()
        );
    }
    // The first line on stdout is the endpoint, for scripts; the CA file is
    // complete before it.
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

/// Writes `bytes` to `path` through a temporary file in the same
/// directory, so a reader never sees half a file.
fn write_whole(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = std::path::PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// The versions, as the service sent them (the typed outputs are for
/// programs; a command line prints the answer itself).
async fn describe(
    client: &Client,
    mnp_id: String,
    platform_id: String,
) -> Result<serde_json::Value, String> {
    let params = serde_json::json!({"MNPId": mnp_id, "PlatformId": platform_id});
    client
        .call_json("DescribeMNPAllStageVersions", &params)
        .await
        .map_err(explain)
}

/// What a created version's answer says, in the service's own names.
fn created_json(out: &CreateMnpVersionOutput) -> serde_json::Value {
    let task_id = out.data.as_ref().and_then(|d| d.task_id.as_deref());
    serde_json::json!({"Data": {"TaskId": task_id}, "RequestId": out.request_id})
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
