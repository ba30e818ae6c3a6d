//! The official SDKs' default order of credentials sources.

use super::{
    BoxFuture, Credentials, CredentialsError, CvmRoleProvider, EnvironmentProvider,
    ProfileFileProvider, ProvideCredentials,
};

/// Environment variables, then the profile file, then the CVM instance
/// role: the order the official SDKs use, so existing setups keep working.
///
/// The first source with credentials wins. A source that has none
/// ([`CredentialsError::NotFound`]) is skipped; any other error stops the
/// chain and is returned, because a broken configuration (a key without an
/// id, an unreadable file) must not silently fall through to other
/// credentials. If no source has credentials, the `NotFound` error lists
/// what each one looked for.
///
/// Sources are asked on every call; the CVM role provider caches its
/// credentials itself.
#[derive(Debug)]
pub struct DefaultCredentialsChain {
    environment: EnvironmentProvider,
    profile: ProfileFileProvider,
    cvm: CvmRoleProvider,
}

impl Default for DefaultCredentialsChain {
    fn default() -> Self {
        Self::new()
    }
}

impl DefaultCredentialsChain {
    /// The three sources with their defaults, reading the process
    /// environment.
    pub fn new() -> Self {
        Self::from_providers(
            EnvironmentProvider::new(),
            ProfileFileProvider::new(),
            CvmRoleProvider::new(),
        )
    }

    /// The three sources as configured by the caller: a named profile, an
    /// explicit file, another metadata endpoint, or a variable lookup for
    /// tests (see [`EnvironmentProvider::from_lookup`]).
    pub fn from_providers(
        environment: EnvironmentProvider,
        profile: ProfileFileProvider,
        cvm: CvmRoleProvider,
    ) -> Self {
        DefaultCredentialsChain {
            environment,
            profile,
            cvm,
        }
    }

    async fn provide(&self) -> Result<Credentials, CredentialsError> {
        let sources: [&dyn ProvideCredentials; 3] = [&self.environment, &self.profile, &self.cvm];
        let mut details = Vec::with_capacity(sources.len());
        for source in sources {
            match source.provide_credentials().await {
                Ok(creds) => return Ok(creds),
                Err(CredentialsError::NotFound { detail }) => details.push(detail),
                Err(e) => return Err(e),
            }
        }
        Err(CredentialsError::not_found(format!(
            "the default chain found none: {}",
            details.join("; ")
        )))
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.provide())
    }
}
