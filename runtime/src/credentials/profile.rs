//! Credentials from the INI profile file the official SDKs and CLI share.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::file::{FileError, read_regular_file};

use super::env::Env;
use super::ini;
use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};

/// Variable naming the credentials file, checked before the usual places.
const FILE_VAR: &str = "TENCENTCLOUD_CREDENTIALS_FILE";
/// Variable naming the profile, used when none is set on the provider.
const PROFILE_VAR: &str = "TENCENTCLOUD_PROFILE";
/// The system-wide credentials file.
const SYSTEM_FILE: &str = "/etc/tencentcloud/credentials";
/// The profile used when none is named.
const DEFAULT_PROFILE: &str = "default";
/// The largest credentials file read: a real one is a few hundred bytes,
/// and a path to a huge file must not exhaust memory.
const MAX_FILE_SIZE: u64 = 64 * 1024;

/// Reads `secret_id`, `secret_key` and the optional `token` of one profile
/// (section) of an INI credentials file:
///
/// ```ini
/// [default]
/// secret_id = AKIDEXAMPLE
/// secret_key = SECRETEXAMPLE
/// ```
///
/// The file is the one set with [`path`](Self::path), else the first that
/// exists of `$TENCENTCLOUD_CREDENTIALS_FILE`, `$HOME/.tencentcloud/credentials`
/// and `/etc/tencentcloud/credentials` (the official SDKs' order). The
/// profile is the one set with [`profile`](Self::profile), else
/// `$TENCENTCLOUD_PROFILE`, else `default`.
///
/// No file is [`CredentialsError::NotFound`], and so is a well-formed file
/// without the profile, so a chain moves on. Anything else stops a chain:
/// a file that is not a regular file (a FIFO, a device, a directory),
/// larger than 64 KiB or unreadable is [`CredentialsError::Provider`], as is
/// a malformed file (a key before any `[section]`, a line that is neither
/// `[section]`, `key = value`, a comment nor blank, a repeated section or
/// key, invalid UTF-8), whose error's source names the line and what was
/// expected. A profile with a missing, empty or padded value is
/// [`CredentialsError::Invalid`].
///
/// The syntax is that of Python's `configparser`, which the official SDK
/// uses: `=` or `:` between key and value, keys case-insensitive, `#` and
/// `;` comments on their own lines. A leading UTF-8 byte-order mark (as
/// Windows editors write) is skipped, one pair of quotes around a value is
/// removed, `\` is not an escape character, and values do not continue
/// onto indented lines.
///
/// Each call reads the file again, on tokio's blocking pool so the async
/// executor never waits on the file system. The
/// [`DefaultCredentialsChain`](super::DefaultCredentialsChain) reads it once.
#[derive(Debug, Clone, Default)]
pub struct ProfileFileProvider {
    env: Env,
    path: Option<PathBuf>,
    profile: Option<String>,
}

impl ProfileFileProvider {
    /// Looks for the file and profile as described above, reading
    /// `TENCENTCLOUD_CREDENTIALS_FILE`, `TENCENTCLOUD_PROFILE` and `HOME`
    /// from the process environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// Like [`new`](Self::new), but reads those variables through `lookup`
    /// (a variable name in, its value out, `None` when unset), for tests.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self::from_env(Env::from_fn(lookup))
    }

    pub(crate) fn from_env(env: Env) -> Self {
        ProfileFileProvider {
            env,
            path: None,
            profile: None,
        }
    }

    /// Reads this file only, ignoring `TENCENTCLOUD_CREDENTIALS_FILE` and
    /// the usual places.
    #[must_use]
    pub fn path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Reads this profile (INI section) instead of `$TENCENTCLOUD_PROFILE`
    /// or `default`.
    #[must_use]
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// The places to look, in order, and notes on places skipped.
    fn candidates(&self) -> (Vec<PathBuf>, Vec<String>) {
        if let Some(path) = &self.path {
            return (vec![path.clone()], Vec::new());
        }
        let mut paths = Vec::new();
        let mut notes = Vec::new();
        match self.env.var_os(FILE_VAR).filter(|v| !v.is_empty()) {
            Some(file) => paths.push(PathBuf::from(file)),
            None => notes.push(format!("{FILE_VAR} is not set")),
        }
        match self.env.var_os("HOME").filter(|v| !v.is_empty()) {
            Some(home) => paths.push(Path::new(&home).join(".tencentcloud").join("credentials")),
            None => notes.push("HOME is not set".to_owned()),
        }
        paths.push(PathBuf::from(SYSTEM_FILE));
        (paths, notes)
    }

    fn profile_name(&self) -> String {
        if let Some(name) = &self.profile {
            return name.clone();
        }
        match self.env.var_os(PROFILE_VAR).filter(|v| !v.is_empty()) {
            Some(name) => name.to_string_lossy().into_owned(),
            None => DEFAULT_PROFILE.to_owned(),
        }
    }

    /// Finds, reads and parses the file. Blocking: call off the executor.
    fn load(&self) -> Result<Credentials, CredentialsError> {
        let (paths, notes) = self.candidates();
        let Some(path) = paths.iter().find(|p| locate(p)) else {
            let listed: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            let mut detail = format!("profile file: no credentials file at {}", listed.join(", "));
            if !notes.is_empty() {
                detail.push_str(&format!(" ({})", notes.join("; ")));
            }
            return Err(CredentialsError::not_found(detail));
        };
        let shown = path.display();
        let bytes = read_bounded(path)?;
        let file = ini::parse_bytes(&bytes).map_err(|e| {
            CredentialsError::provider(
                format!("cannot parse credentials file {shown}"),
                Some(Box::new(e)),
            )
        })?;
        let profile = self.profile_name();
        let Some(section) = file.section(&profile) else {
            let note = if file.section_count() == 0 {
                " (it has no sections)"
            } else {
                ""
            };
            return Err(CredentialsError::not_found(format!(
                "profile file: no profile [{profile}] in {shown}{note}"
            )));
        };
        let origin = format!("profile {profile} in {shown}");
        let value = |field: &'static str| {
            section
                .get(field)
                .map(str::to_owned)
                .ok_or_else(|| CredentialsError::invalid(&origin, field, "is missing"))
        };
        let id = value("secret_id")?;
        let key = value("secret_key")?;
        let token = section.get("token").map(str::to_owned);
        Credentials::from_parts(&origin, id, key, token)
    }
}

/// Whether `path` should be used: anything but "does not exist" is, so
/// that a file we may not look at reports its problem instead of silently
/// falling through to other credentials.
fn locate(path: &Path) -> bool {
    !matches!(
        fs::metadata(path),
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory)
    )
}

/// Reads a regular file of at most [`MAX_FILE_SIZE`] bytes; anything else
/// is refused without blocking ([`read_regular_file`]).
fn read_bounded(path: &Path) -> Result<Vec<u8>, CredentialsError> {
    let shown = path.display();
    let refuse = |why: String| {
        CredentialsError::provider(format!("cannot read credentials file {shown}: {why}"), None)
    };
    read_regular_file(path, MAX_FILE_SIZE).map_err(|e| match e {
        FileError::TooLarge { .. } => refuse(format!(
            "it is larger than {} KiB, too large for a credentials file",
            MAX_FILE_SIZE / 1024
        )),
        FileError::Io(e) => CredentialsError::provider(
            format!("cannot read credentials file {shown}"),
            Some(Box::new(e)),
        ),
        other => refuse(other.to_string()),
    })
}

impl ProvideCredentials for ProfileFileProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load_off_executor())
    }
}

impl ProfileFileProvider {
    /// [`load`](Self::load) on tokio's blocking pool; inline when polled
    /// outside a tokio runtime, where there is no executor to block.
    async fn load_off_executor(&self) -> Result<Credentials, CredentialsError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return self.load();
        }
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.load())
            .await
            .map_err(|e| {
                CredentialsError::provider(
                    "profile file: the task reading it did not finish",
                    Some(Box::new(e)),
                )
            })?
    }
}
