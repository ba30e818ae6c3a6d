//! [`ClientBuilder::build`]: every setting checked once, the headers every
//! request carries made once, and the HTTP client set up (ours, or the
//! caller's, which our own connection options would silently miss, so
//! they conflict).

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use reqwest::header::{CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue};

use super::{Client, Inner, JSON};
use crate::clock::Clock;
use crate::config::{self, ClientBuilder, ConfigError, Overrides, RateLimit};
use crate::credentials::DefaultCredentialsChain;
use crate::signing::Signer;
use crate::tls::{install_tls_provider, trust};

impl<C: From<Client>> ClientBuilder<C> {
    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<C, ConfigError> {
        self.build_client().map(C::from)
    }

    fn build_client(self) -> Result<Client, ConfigError> {
        let region = match self.region {
            Some(r) => r,
            None => std::env::var("TENCENTCLOUD_REGION").map_err(|_| ConfigError::MissingRegion)?,
        };
        config::check_region(&region)?;
        let default_endpoint = format!("https://{}", self.service.endpoint);
        let endpoint =
            config::parse_endpoint(self.endpoint.as_ref().map_or(&default_endpoint, |e| &e.0))?;
        if self.timeout.is_zero() {
            return Err(ConfigError::InvalidTimeout { which: "timeout" });
        }
        if self.attempt_timeout.is_zero() {
            return Err(ConfigError::InvalidTimeout {
                which: "attempt timeout",
            });
        }
        if self.connect_timeout.is_some_and(|t| t.is_zero()) {
            return Err(ConfigError::InvalidTimeout {
                which: "connect timeout",
            });
        }
        if self.max_response_bytes == 0 {
            return Err(ConfigError::InvalidResponseLimit);
        }
        if self.rate_limit == RateLimit::PerSecond(0) {
            return Err(ConfigError::InvalidRateLimit);
        }
        let mut client_id = self.service.client_id.to_owned();
        if let Some(suffix) = &self.client_suffix {
            config::check_suffix(suffix)?;
            client_id.push(' ');
            client_id.push_str(suffix);
        }
        let host = config::host_header(&endpoint);

        let mut fixed_headers = HeaderMap::new();
        let value = |s: &str| {
            HeaderValue::from_str(s).map_err(|_| {
                ConfigError::invalid_endpoint(
                    endpoint.as_str(),
                    "the host cannot be sent in a header",
                )
            })
        };
        fixed_headers.insert(HOST, value(&host)?);
        fixed_headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
        fixed_headers.insert(HeaderName::from_static("x-tc-region"), value(&region)?);
        fixed_headers.insert(
            HeaderName::from_static("x-tc-language"),
            HeaderValue::from_static(self.language.as_str()),
        );
        fixed_headers.insert(
            HeaderName::from_static("x-tc-requestclient"),
            value(&client_id)?,
        );

        let own_http_client = self.http_client.is_some();
        let (http, connect_timeout) = match self.http_client {
            Some(http) => {
                let conflict = [
                    (
                        !self.root_certificates.0.is_empty(),
                        "add_root_certificate_pem",
                    ),
                    (!self.platform_trust_store, "platform_trust_store"),
                    (self.connect_timeout.is_some(), "connect_timeout"),
                    (self.pool_idle_timeout.is_some(), "pool_idle_timeout"),
                    (!self.env_proxy, "no_proxy"),
                ]
                .into_iter()
                .find_map(|(set, option)| set.then_some(option));
                if let Some(option) = conflict {
                    return Err(ConfigError::ConflictsWithHttpClient { option });
                }
                (http, None)
            }
            None => {
                let connect_timeout = self
                    .connect_timeout
                    .unwrap_or(config::DEFAULT_CONNECT_TIMEOUT);
                install_tls_provider();
                let mut http = reqwest::Client::builder()
                    .connect_timeout(connect_timeout)
                    .pool_idle_timeout(
                        self.pool_idle_timeout
                            .unwrap_or(config::DEFAULT_POOL_IDLE_TIMEOUT),
                    )
                    .user_agent(client_id.as_str());
                if !self.env_proxy || config::is_loopback(&endpoint) {
                    http = http.no_proxy();
                }
                if let Some(name) = config::localhost_name(&endpoint) {
                    // This machine, never a DNS question (`localhost.` is not
                    // in /etc/hosts); port 0: the URL's.
                    let here = [
                        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                        SocketAddr::from((Ipv6Addr::LOCALHOST, 0)),
                    ];
                    http = http.resolve_to_addrs(name, &here);
                }
                let http = trust(http, &self.root_certificates.0, self.platform_trust_store)?;
                (
                    http.build().map_err(ConfigError::Http)?,
                    Some(connect_timeout),
                )
            }
        };
        let credentials = match (self.unsigned, self.credentials) {
            (true, Some(_)) => return Err(ConfigError::CredentialsWithUnsigned),
            (true, None) => None,
            (false, provider) => {
                Some(provider.unwrap_or_else(|| Arc::new(DefaultCredentialsChain::new())))
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                service: self.service,
                http,
                endpoint,
                region,
                language: self.language,
                credentials,
                signer: Signer::new(),
                host,
                fixed_headers,
                timeout: self.timeout,
                attempt_timeout: self.attempt_timeout,
                connect_timeout,
                max_response_bytes: self.max_response_bytes,
                retry: self.retry,
                rate_limit: self.rate_limit,
                rate_limit_scope: self.rate_limit_scope,
                max_rate_limit_wait: self.max_rate_limit_wait,
                limiters: Mutex::new(HashMap::new()),
                budget: self.rate_budget,
                clock: Clock::new(self.max_clock_correction),
                own_http_client,
            }),
            overrides: Overrides::default(),
        })
    }
}
