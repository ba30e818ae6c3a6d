//! What goes to stdout and stderr: results as JSON on stdout; errors,
//! notices and progress on stderr, as text or one JSON object a line.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;

use serde_json::json;
use tencentcloud_runtime::SdkError;
use tencentcloud_runtime::error::{ErrorKind, TimeoutKind, TransportErrorKind};
use tencentcloud_runtime::operation::ServiceError;

use crate::{Program, Target};

/// How stderr is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Lines of text.
    Text,
    /// One JSON object a line.
    Json,
}

impl Format {
    /// `--format json` or `--format=json` anywhere on the command line, for
    /// reporting a command line clap refuses.
    pub fn scan(args: &[OsString]) -> Format {
        let json = args
            .windows(2)
            .any(|w| w[0] == "--format" && w[1] == "json")
            || args.iter().any(|a| a == "--format=json");
        if json { Format::Json } else { Format::Text }
    }
}

/// Writes notices and errors on stderr in the chosen format.
pub struct Out {
    format: Format,
}

impl Out {
    pub fn new(format: Format) -> Out {
        Out { format }
    }

    /// Something the user should know: where a write goes, that the mock answers.
    pub fn notice(&self, text: &str) {
        match self.format {
            Format::Text => eprintln!("{text}"),
            Format::Json => eprintln!("{}", json!({ "notice": text })),
        }
    }

    /// Reports a failure; its exit status.
    pub fn fail(&self, failure: &Failure) -> ExitCode {
        match self.format {
            Format::Text => {
                let head = match (&failure.code, &failure.request_id) {
                    (Some(code), Some(id)) => {
                        format!("{code}: {} (request id {id})", failure.message)
                    }
                    (Some(code), None) => format!("{code}: {}", failure.message),
                    (None, Some(id)) => format!("{} (request id {id})", failure.message),
                    _ => failure.message.clone(),
                };
                for line in head.lines() {
                    eprintln!("error: {line}");
                }
                if let Some(note) = &failure.may_exist {
                    eprintln!("note: {}\n  {}", note.text, note.check);
                }
                if failure.kind == "usage" {
                    eprintln!("\nFor more information, try '--help'.");
                }
            }
            Format::Json => {
                let mut error = json!({
                    "kind": failure.kind,
                    "code": failure.code,
                    "message": failure.message,
                    "request_id": failure.request_id,
                });
                if let Some(note) = &failure.may_exist {
                    error["may_exist"] = json!({"note": note.text, "check": note.check});
                }
                eprintln!("{}", json!({ "error": error }));
            }
        }
        ExitCode::from(failure.exit)
    }

    /// Reports a command line clap refused (or prints the help or version it
    /// was asked for); its exit status.
    pub fn clap_error(&self, e: &clap::Error) -> ExitCode {
        let status = u8::try_from(e.exit_code()).unwrap_or(2);
        if !e.use_stderr() || self.format == Format::Text {
            let _ = e.print();
            return ExitCode::from(status);
        }
        let text = e.render().to_string();
        let message = text.trim().trim_start_matches("error: ");
        let failure = Failure::new("usage", message.to_owned());
        self.fail(&Failure {
            exit: status,
            ..failure
        })
    }
}

/// Why a command failed, as it is reported.
pub struct Failure {
    exit: u8,
    /// `usage`, `refused`, `config`, `local`, or the [`ErrorKind`] of a
    /// failed call: `build`, `credentials`, `transport`, `timeout`,
    /// `rate_limit`, `response`, `service`.
    kind: &'static str,
    code: Option<String>,
    message: String,
    request_id: Option<String>,
    may_exist: Option<Box<MayExist>>,
}

/// After an ambiguous Create: the version may exist, and how to check.
struct MayExist {
    text: String,
    check: String,
}

impl Failure {
    fn new(kind: &'static str, message: String) -> Failure {
        Failure {
            exit: 1,
            kind,
            code: None,
            message,
            request_id: None,
            may_exist: None,
        }
    }

    /// A bad command line: every problem found, one a line. Exits 2.
    pub fn usage(problems: Vec<String>) -> Failure {
        Failure {
            exit: 2,
            ..Failure::new("usage", problems.join("\n"))
        }
    }

    /// A command refused before sending anything. Exits 2.
    pub fn refused(why: &str) -> Failure {
        Failure {
            exit: 2,
            ..Failure::new("refused", why.to_owned())
        }
    }

    /// A problem on this machine (a port taken...).
    pub fn local(message: String) -> Failure {
        Failure::new("local", message)
    }

    /// A configuration the client refused, or unreadable credentials.
    pub fn config(e: &(dyn std::error::Error + 'static)) -> Failure {
        Failure::new("config", report(e))
    }

    /// A failed call: its kind, and code, message and request id when the
    /// service answered.
    pub fn from_sdk<E: ServiceError>(e: &SdkError<E>) -> Failure {
        let kind = match e.kind() {
            ErrorKind::Build(_) => "build",
            ErrorKind::Credentials(_) => "credentials",
            ErrorKind::Transport(_) => "transport",
            ErrorKind::Timeout(_) => "timeout",
            ErrorKind::RateLimit(_) => "rate_limit",
            ErrorKind::Response(_) => "response",
            ErrorKind::Service(_) => "service",
            ErrorKind::Pagination(_) => "pagination",
            _ => "other",
        };
        let message = match e.message() {
            Some(m) => m.to_owned(),
            None => report(e),
        };
        Failure {
            code: e.code().map(str::to_owned),
            request_id: e.request_id().map(str::to_owned),
            ..Failure::new(kind, message)
        }
    }

    /// For a failed CreateMNPVersion: when the request may have been acted
    /// on, says the version may exist and the command that shows it.
    pub fn after_create<E: ServiceError>(
        mut self,
        e: &SdkError<E>,
        target: &Target,
        program: &Program,
        version: &str,
    ) -> Failure {
        if !may_have_reached(e) {
            return self;
        }
        let mut check = String::from("tcmpp");
        if !target.service.is_default() {
            check.push_str(&format!(" --service {}", target.service.flag()));
        }
        for (flag, value) in [
            ("--endpoint", &target.endpoint),
            ("--region", &target.region),
        ] {
            if let Some(value) = value {
                check.push_str(&format!(" {flag} {}", quote(value)));
            }
        }
        check.push_str(&format!(
            " describe --mnp-id {} --platform-id {}",
            quote(&program.mnp_id),
            quote(&program.platform_id)
        ));
        self.may_exist = Some(Box::new(MayExist {
            text: format!(
                "the request may have reached the service before the call failed, so version {} \
                 may have been created; check before creating it again:",
                quote(version)
            ),
            check,
        }));
        self
    }
}

/// Whether a failed call's request may have reached the service and been
/// acted on: sent with no clear refusal in answer.
fn may_have_reached<E: ServiceError>(e: &SdkError<E>) -> bool {
    match e.kind() {
        ErrorKind::Transport(t) => t.kind() == TransportErrorKind::Io,
        ErrorKind::Timeout(t) => match t.kind() {
            TimeoutKind::Connect => false,
            // The whole call's timeout may expire before the first attempt.
            TimeoutKind::Call => e.attempts() > 0,
            _ => true,
        },
        // A gateway's page, a 5xx, or a success the client could not read.
        ErrorKind::Response(_) => true,
        ErrorKind::Service(_) => e
            .code()
            .is_some_and(|c| c.starts_with("InternalError") || c.starts_with("ServiceUnavailable")),
        _ => false,
    }
}

/// `text` as one shell word.
fn quote(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "._-:/@%+=,".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// An error and its causes, one level each: errors say their own part and
/// leave the cause to `source()`.
pub fn report(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// `value` on stdout: indented on a terminal, one line otherwise.
/// One compact line, whatever stdout is: `--all-pages` items, one a line.
pub fn print_json_line(value: &impl serde::Serialize) -> Result<(), Failure> {
    let text = serde_json::to_string(value)
        .map_err(|e| Failure::local(format!("cannot print the answer: {e}")))?;
    println!("{text}");
    Ok(())
}

pub fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let text = if std::io::stdout().is_terminal() {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    println!(
        "{}",
        text.map_err(|e| Failure::local(format!("cannot print the answer: {e}")))?
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_makes_one_shell_word() {
        assert_eq!(quote("mpg9yjc0qbpkelik"), "mpg9yjc0qbpkelik");
        assert_eq!(quote("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
    }
}
