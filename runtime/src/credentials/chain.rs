//! The official SDKs' default order of credentials sources, resolved once.

use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Mutex;

use super::{
    BoxFuture, Credentials, CredentialsError, CvmRoleProvider, EnvironmentProvider,
    ProfileFileProvider, ProvideCredentials, SharedCredentialsProvider,
};

/// The variables that configure a TKE pod's OIDC role (the official SDKs'
/// `DefaultTkeOIDCRoleArnProvider`): the region, the identity provider, the
/// file of the pod's projected service-account token and the role.
pub const TKE_OIDC_VARIABLES: [&str; 4] = [
    "TKE_REGION",
    "TKE_PROVIDER_ID",
    "TKE_WEB_IDENTITY_TOKEN_FILE",
    "TKE_ROLE_ARN",
];

/// Environment variables, then the profile file, then (with
/// [`with_web_identity`](Self::with_web_identity)) a TKE pod's OIDC role,
/// then the CVM instance role.
///
/// Environment, profile and CVM role are the official SDKs' order, so
/// existing setups keep working. The official Python SDK asks for the TKE
/// OIDC role last, after the CVM role; but in a TKE pod the metadata
/// service answers with the *node's* role, so that order signs a pod's
/// calls as its node whenever the node has a role, and the pod's own,
/// narrower role is never used. Here the pod's role comes before the CVM
/// role (as AWS's chain puts web identity before the instance role).
///
/// This crate cannot exchange the pod's token (that takes an STS client,
/// a layer above it): the `tencentcloud-credentials` crate's default chain
/// is this chain with its web identity provider plugged in. Without one,
/// any of the [`TKE_OIDC_VARIABLES`] set (and no environment or profile
/// credentials) stops the chain with an error naming that crate, rather
/// than fall through to the CVM role and sign as the node.
///
/// The first source with credentials wins. A source that has none
/// ([`CredentialsError::NotFound`]) is skipped; any other error stops the
/// chain and is returned, because a broken configuration (a key without an
/// id, a malformed or unreadable file, a metadata service that answers
/// badly) must not silently fall through to other credentials. If no
/// source has credentials, the `NotFound` error lists what each one looked
/// for.
///
/// # Refresh rules
///
/// - The chain resolves once which source applies and sticks to it; later
///   changes to the environment or the profile file are not seen (build a
///   new chain to pick them up).
/// - Environment and profile credentials do not expire: they are read once
///   and then served from memory.
/// - CVM role credentials expire: the chain asks its [`CvmRoleProvider`]
///   on each call, which serves them from its cache and refreshes them a
///   margin before expiry, one refresh shared by concurrent callers.
/// - Concurrent first calls share one resolution, and its error if it
///   fails. A failed resolution is not remembered: the next call tries
///   again.
/// - File reads run on tokio's blocking pool, never on the async executor.
pub struct DefaultCredentialsChain {
    environment: EnvironmentProvider,
    profile: ProfileFileProvider,
    cvm: CvmRoleProvider,
    /// A TKE pod's OIDC role, asked before the CVM role.
    web_identity: Option<SharedCredentialsProvider>,
    /// The source that answered, once one has.
    resolved: OnceLock<Resolved>,
    /// Held while resolving; keeps the last failure for callers that
    /// waited on that attempt.
    resolving: Mutex<Option<CredentialsError>>,
    /// Bumped after every resolution attempt, so that waiters can tell that
    /// the attempt they waited on failed.
    attempts: AtomicU64,
}

enum Resolved {
    /// Credentials that do not change, and where they came from.
    Fixed(&'static str, Credentials),
    /// The CVM role provider, which caches and refreshes.
    Cvm,
    /// The web identity provider, which caches and refreshes.
    WebIdentity,
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
            web_identity: None,
            resolved: OnceLock::new(),
            resolving: Mutex::new(None),
            attempts: AtomicU64::new(0),
        }
    }

    /// Asks `provider` (a TKE pod's OIDC role: the `tencentcloud-credentials`
    /// crate's `WebIdentityProvider`) after the profile file and before the
    /// CVM role. Its [`CredentialsError::NotFound`] (none of the
    /// [`TKE_OIDC_VARIABLES`] set) moves the chain on; any other error (a
    /// variable missing, an unreadable token file, STS refusing) stops it.
    #[must_use]
    pub fn with_web_identity(mut self, provider: SharedCredentialsProvider) -> Self {
        self.web_identity = Some(provider);
        self
    }

    async fn provide(&self) -> Result<Credentials, CredentialsError> {
        if let Some(resolved) = self.resolved.get() {
            return self.serve_resolved(resolved).await;
        }
        let seen = self.attempts.load(Ordering::Acquire);
        let mut last_failure = self.resolving.lock().await;
        if let Some(resolved) = self.resolved.get() {
            drop(last_failure);
            return self.serve_resolved(resolved).await;
        }
        if self.attempts.load(Ordering::Acquire) != seen {
            if let Some(e) = last_failure.as_ref() {
                // The attempt we waited on failed: share its outcome.
                return Err(e.replay());
            }
        }
        let result = self.resolve().await;
        self.attempts.fetch_add(1, Ordering::AcqRel);
        match result {
            Ok((resolved, creds)) => {
                // Only this task sets it: it holds the lock and saw it unset.
                let _ = self.resolved.set(resolved);
                *last_failure = None;
                Ok(creds)
            }
            Err(e) => {
                *last_failure = Some(e.replay());
                Err(e)
            }
        }
    }

    async fn serve_resolved(&self, resolved: &Resolved) -> Result<Credentials, CredentialsError> {
        match resolved {
            Resolved::Fixed(_, creds) => Ok(creds.clone()),
            Resolved::Cvm => self.cvm.provide_credentials().await,
            Resolved::WebIdentity => match &self.web_identity {
                Some(provider) => provider.provide_credentials().await,
                None => Err(CredentialsError::provider(
                    "the chain resolved to a web identity provider it does not have",
                    None,
                )),
            },
        }
    }

    /// Without a web identity provider: an error if a TKE pod's OIDC role
    /// is configured, which this chain cannot use and must not replace with
    /// the node's CVM role.
    fn refuse_tke(&self) -> Result<(), CredentialsError> {
        let env = self.environment.env();
        let set: Vec<&str> = TKE_OIDC_VARIABLES
            .iter()
            .copied()
            .filter(|name| env.var_os(name).is_some_and(|v| !v.is_empty()))
            .collect();
        if set.is_empty() {
            return Ok(());
        }
        Err(CredentialsError::provider(
            format!(
                "TKE OIDC: {} set, which configures this pod's own role; this chain cannot \
                 exchange the pod's token for it (that needs STS): use the default chain of the \
                 `tencentcloud-credentials` crate (`tencentcloud_credentials::default_chain()`), \
                 or unset them. Not falling through to the CVM role, which in a TKE pod is the \
                 node's",
                match set.as_slice() {
                    [one] => format!("{one} is"),
                    more => format!("{} are", more.join(", ")),
                }
            ),
            None,
        ))
    }

    /// Asks each source in turn.
    async fn resolve(&self) -> Result<(Resolved, Credentials), CredentialsError> {
        let mut details = Vec::with_capacity(4);
        let mut skip = |e: CredentialsError| match e {
            CredentialsError::NotFound { detail } => {
                details.push(detail);
                Ok(())
            }
            e => Err(e),
        };
        match self.environment.provide_credentials().await {
            Ok(creds) => return Ok((Resolved::Fixed("environment", creds.clone()), creds)),
            Err(e) => skip(e)?,
        }
        match self.profile.provide_credentials().await {
            Ok(creds) => return Ok((Resolved::Fixed("profile file", creds.clone()), creds)),
            Err(e) => skip(e)?,
        }
        match &self.web_identity {
            Some(provider) => match provider.provide_credentials().await {
                Ok(creds) => return Ok((Resolved::WebIdentity, creds)),
                Err(e) => skip(e)?,
            },
            None => self.refuse_tke()?,
        }
        match self.cvm.provide_credentials().await {
            Ok(creds) => return Ok((Resolved::Cvm, creds)),
            Err(e) => skip(e)?,
        }
        Err(CredentialsError::not_found(format!(
            "the default chain found none: {}",
            details.join("; ")
        )))
    }
}

impl fmt::Debug for DefaultCredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match self.resolved.get() {
            None => "not yet resolved",
            Some(Resolved::Fixed(source, _)) => source,
            Some(Resolved::Cvm) => "CVM role",
            Some(Resolved::WebIdentity) => "web identity (TKE OIDC role)",
        };
        f.debug_struct("DefaultCredentialsChain")
            .field("source", &source)
            .field("environment", &self.environment)
            .field("profile", &self.profile)
            .field("web_identity", &self.web_identity)
            .field("cvm", &self.cvm)
            .finish()
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.provide())
    }
}
