//! Credentials from the INI profile file the official SDKs and CLI share.

use std::io;
use std::path::{Path, PathBuf};

use super::env::Env;
use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};

/// Variable naming the credentials file, checked before the usual places.
const FILE_VAR: &str = "TENCENTCLOUD_CREDENTIALS_FILE";
/// Variable naming the profile, used when none is set on the provider.
const PROFILE_VAR: &str = "TENCENTCLOUD_PROFILE";
/// The system-wide credentials file.
const SYSTEM_FILE: &str = "/etc/tencentcloud/credentials";
/// The profile used when none is named.
const DEFAULT_PROFILE: &str = "default";

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
/// No file is [`CredentialsError::NotFound`], so a chain moves on; a file
/// that cannot be read or parsed is [`CredentialsError::Provider`], a missing
/// profile is `NotFound`, and a profile with a missing, empty or padded value
/// is [`CredentialsError::Invalid`]. Values may be quoted; `\` is not an
/// escape character.
///
/// The file is read on every call (it is small), so edits are picked up.
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

    fn load(&self) -> Result<Credentials, CredentialsError> {
        let (paths, notes) = self.candidates();
        let Some(path) = paths.iter().find(|p| exists(p)) else {
            let listed: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            let mut detail = format!("profile file: no credentials file at {}", listed.join(", "));
            if !notes.is_empty() {
                detail.push_str(&format!(" ({})", notes.join("; ")));
            }
            return Err(CredentialsError::not_found(detail));
        };
        let shown = path.display();
        let text = std::fs::read_to_string(path).map_err(|e| {
            CredentialsError::provider(
                format!("cannot read credentials file {shown}: {e}"),
                Some(Box::new(e)),
            )
        })?;
        let options = ini::ParseOption {
            enabled_quote: true,
            // Keep `\` literal, as the official SDKs (Python's configparser) do.
            enabled_escape: false,
            ..ini::ParseOption::default()
        };
        // Parse errors carry a line, a column and a fixed message, not file text.
        let file = ini::Ini::load_from_str_opt(&text, options).map_err(|e| {
            CredentialsError::provider(
                format!("cannot parse credentials file {shown}: {e}"),
                Some(Box::new(e)),
            )
        })?;
        let profile = self.profile_name();
        let Some(section) = file.section(Some(profile.as_str())) else {
            return Err(CredentialsError::not_found(format!(
                "profile file: no profile [{profile}] in {shown}"
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

/// Whether `path` should be used: anything but "does not exist". A file we
/// may not look at is used, so that reading it reports the problem instead
/// of silently falling through to other credentials.
fn exists(path: &Path) -> bool {
    match std::fs::metadata(path) {
        Ok(_) => true,
        Err(e) => !matches!(
            e.kind(),
            io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
        ),
    }
}

impl ProvideCredentials for ProfileFileProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        // Small local file: read synchronously rather than need a blocking pool.
        let result = self.load();
        Box::pin(async move { result })
    }
}
