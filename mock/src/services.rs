//! The services one server serves, which of them a request is for, and
//! how each answers an action: from its version store for the stateful
//! seeded actions ([`store::flavor`]), from its resource families and
//! collections (`resources.rs`), else with the action's example.
//!
//! A request is for the service named, in this order, by its `Host`'s
//! first label (`tcsas.intl.tencentcloudapi.com`, `tcsas.localhost:PORT`),
//! its TC3 credential scope (`Credential=ID/DATE/tcsas/tc3_request`), or
//! its `Version` (the only hint a v1 signature carries). A server of one
//! service takes every request as its own. The request is then checked
//! against that service as the service checks it: a scope naming another
//! service fails the signature, another service's version is `NoSuchVersion`.

use std::sync::Mutex;

use serde_json::{Map, Value, json};

use super::examples::Examples;
use super::lock;
use super::resources::Resources;
use super::store::{self, Versions};
use super::verify::ApiError;
use tencentcloud_runtime::operation::{OperationInfo, ServiceInfo};

/// One service being served.
pub(crate) struct Served {
    pub(crate) info: ServiceInfo,
    /// Its actions' examples, parsed once.
    examples: Examples,
    /// Its versions, when its seeded actions keep state.
    versions: Option<Mutex<Versions>>,
    /// Its resource families and paginated collections.
    pub(crate) resources: Mutex<Resources>,
}

impl Served {
    /// Answers `op` of this service: the `Response` members without `RequestId`.
    pub(crate) fn answer(
        &self,
        op: &OperationInfo,
        body: &Value,
    ) -> Result<Map<String, Value>, ApiError> {
        // A mini program `CreateMNP` made has versions too (the lock order:
        // versions, then resources).
        let created = |id: &str| lock(&self.resources).holds("MNP", &json!(id));
        if let Some(answer) = self
            .versions
            .as_ref()
            .and_then(|v| lock(v).handle(op.action, body, &created))
        {
            return answer;
        }
        if let Some(answer) = lock(&self.resources).handle(op, body, &self.examples) {
            return answer;
        }
        Ok(self.examples.answer(op.action))
    }

    /// How many versions its store holds (0 without one).
    pub(crate) fn stored_versions(&self) -> usize {
        self.versions.as_ref().map_or(0, |v| lock(v).len())
    }
}

/// How much state each service keeps.
pub(crate) struct StateLimits {
    /// Versions a mini program may gain.
    pub(crate) max_versions: usize,
    /// Items a resource family may gain.
    pub(crate) max_items: usize,
    /// Whether the resource families keep state at all.
    pub(crate) families: bool,
}

/// What a request says about the service it is for.
#[derive(Default)]
pub(crate) struct Hints<'a> {
    /// The `Host` header.
    pub(crate) host: Option<&'a str>,
    /// The service of a TC3 credential scope.
    pub(crate) scope: Option<&'a str>,
    /// `X-TC-Version`, or the v1 `Version` parameter.
    pub(crate) version: Option<&'a str>,
}

/// Every service served, in the order configured (names distinct).
pub(crate) struct Services(Vec<Served>);

impl Services {
    pub(crate) fn new(infos: &[ServiceInfo], limits: &StateLimits) -> Self {
        Services(
            infos
                .iter()
                .map(|&info| {
                    let examples = Examples::parse(&info);
                    Served {
                        info,
                        versions: store::flavor(info.name).map(|f| {
                            Mutex::new(Versions::seeded(&examples, f, limits.max_versions))
                        }),
                        resources: Mutex::new(Resources::new(
                            &info,
                            &examples,
                            limits.max_items,
                            limits.families,
                        )),
                        examples,
                    }
                })
                .collect(),
        )
    }

    pub(crate) fn get(&self, i: usize) -> Option<&Served> {
        self.0.get(i)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Served> {
        self.0.iter()
    }

    pub(crate) fn by_name(&self, name: &str) -> Option<&Served> {
        self.0.iter().find(|s| s.info.name == name)
    }

    /// The service the request is for (its index), as the module docs
    /// say; `None` when several are served and nothing names one of them.
    pub(crate) fn route(&self, hints: &Hints<'_>) -> Option<usize> {
        if let [_] = self.0.as_slice() {
            return Some(0);
        }
        let find = |f: &dyn Fn(&ServiceInfo) -> bool| -> Option<usize> {
            let mut found = self.0.iter().enumerate().filter(|(_, s)| f(&s.info));
            // Two services of one version name neither.
            match (found.next(), found.next()) {
                (Some((i, _)), None) => Some(i),
                _ => None,
            }
        };
        let label = hints
            .host
            .and_then(|h| h.split(['.', ':']).next())
            .filter(|l| !l.is_empty());
        label
            .and_then(|l| find(&|s| s.name.eq_ignore_ascii_case(l)))
            .or_else(|| {
                hints
                    .scope
                    .and_then(|sc| find(&|s| s.signing_service == sc))
            })
            .or_else(|| hints.version.and_then(|v| find(&|s| s.version == v)))
    }

    /// `name VERSION, ...`, for messages about what is served.
    pub(crate) fn listed(&self) -> String {
        self.0
            .iter()
            .map(|s| format!("`{}` {}", s.info.name, s.info.version))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn service(name: &'static str, version: &'static str) -> ServiceInfo {
        ServiceInfo {
            name,
            version,
            endpoint: "",
            signing_service: name,
            client_id: "",
            operations: &[],
        }
    }

    fn route(services: &Services, host: &str, scope: Option<&str>, version: &str) -> Option<usize> {
        services.route(&Hints {
            host: Some(host),
            scope,
            version: Some(version),
        })
    }

    const LIMITS: StateLimits = StateLimits {
        max_versions: 10,
        max_items: 10,
        families: true,
    };

    #[test]
    fn host_then_scope_then_version() {
        let two = Services::new(&[service("a", "1"), service("b", "2")], &LIMITS);
        assert_eq!(route(&two, "b.localhost:9", Some("a"), "1"), Some(1));
        assert_eq!(route(&two, "B.example.com", None, "1"), Some(1));
        assert_eq!(route(&two, "127.0.0.1:9", Some("b"), "1"), Some(1));
        assert_eq!(route(&two, "127.0.0.1:9", Some("c"), "2"), Some(1));
        assert_eq!(route(&two, "[::1]:9", None, "1"), Some(0));
        assert_eq!(route(&two, "127.0.0.1:9", Some("c"), "3"), None);
        // One service takes everything; two of one version share no hint.
        let one = Services::new(&[service("a", "1")], &LIMITS);
        assert_eq!(route(&one, "b.localhost", Some("b"), "2"), Some(0));
        let same = Services::new(&[service("a", "1"), service("b", "1")], &LIMITS);
        assert_eq!(route(&same, "127.0.0.1", None, "1"), None);
        assert_eq!(two.listed(), "`a` 1, `b` 2");
    }

    #[test]
    fn only_the_services_flavor_names_keep_versions() {
        let s = Services::new(
            &[service("tcsas", "2025-01-06"), service("cvm", "1")],
            &LIMITS,
        );
        assert!(s.by_name("tcsas").is_some_and(|s| s.versions.is_some()));
        assert!(s.by_name("cvm").is_some_and(|s| s.versions.is_none()));
    }
}
