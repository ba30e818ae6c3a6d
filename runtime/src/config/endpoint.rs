//! Where requests go, checked by the rules the client and programs share:
//! the endpoint URL, the region, the one loopback rule (by address), and
//! a URL's user name and password kept out of errors and `Debug`.

use std::borrow::Cow;
use std::fmt;

use reqwest::Url;

use super::ConfigError;

/// Checks a region name as
/// [`ClientBuilder::build`](super::ClientBuilder::build) does: lowercase
/// ASCII letters, digits and `-` (so it can never break a header).
pub fn check_region(region: &str) -> Result<(), ConfigError> {
    let ok = !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(ConfigError::InvalidRegion {
            region: region.to_owned(),
        })
    }
}

/// An endpoint URL checked as
/// [`ClientBuilder::build`](super::ClientBuilder::build) checks one:
/// `http` or `https`, a host and an optional port, nothing else (no user
/// name or password, path, query or fragment). For programs that check
/// their input before building a client, with the client's own rules.
///
/// ```
/// use tencentcloud_runtime::config::Endpoint;
///
/// assert!(Endpoint::parse("http://localhost.:8080").unwrap().is_loopback());
/// assert!(!Endpoint::parse("https://cvm.tencentcloudapi.com").unwrap().is_loopback());
/// let refused = Endpoint::parse("http://user:hunter2@example.com").unwrap_err();
/// assert!(!refused.to_string().contains("hunter2"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint(Url);

impl Endpoint {
    /// Parses and checks `text`; the error says what is wrong and never
    /// repeats a user name or password.
    pub fn parse(text: &str) -> Result<Endpoint, ConfigError> {
        parse_endpoint(text).map(Endpoint)
    }

    /// Whether it names this machine by address: `localhost` in any case
    /// (with or without the trailing dot), 127.0.0.0/8, `::1`, and those
    /// IPv4 addresses mapped into IPv6 (`[::ffff:127.0.0.1]`).
    pub fn is_loopback(&self) -> bool {
        is_loopback(&self.0)
    }

    /// The URL, normalized (`http://127.0.0.1:8080/`).
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Endpoint").field(&self.as_str()).finish()
    }
}

/// `text` with what may be a URL's user name and password (everything
/// before the last `@`, after any `scheme://`) replaced by `***`. Textual,
/// so it also covers what does not parse as a URL; an `@` elsewhere only
/// hides more of a value that is refused anyway.
pub(crate) fn hide_userinfo(text: &str) -> Cow<'_, str> {
    let Some(at) = text.rfind('@') else {
        return Cow::Borrowed(text);
    };
    let start = text[..at].find("://").map_or(0, |i| i + 3);
    Cow::Owned(format!("{}***{}", &text[..start], &text[at..]))
}

/// Parses and checks an endpoint URL.
pub(crate) fn parse_endpoint(endpoint: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: &str| ConfigError::invalid_endpoint(endpoint, reason);
    let url = Url::parse(endpoint).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials do not belong in the URL"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            "Tencent Cloud API 3.0 is served at the root path: give only scheme, host and port",
        ));
    }
    Ok(url)
}

/// The `Host` header for an endpoint: `host`, or `host:port` for a
/// non-default port, exactly as signed.
pub(crate) fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// Whether an endpoint is on this machine (no proxy can reach it), by
/// address: the one rule for the client and [`Endpoint::is_loopback`].
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(_)) => localhost_name(url).is_some(),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        None => false,
    }
}

/// The endpoint's host if it is `localhost` (in any case, with or without
/// the trailing dot), which the client resolves to loopback itself.
pub(crate) fn localhost_name(url: &Url) -> Option<&str> {
    // The URL parser has lowercased it; a trailing dot is the same name.
    url.host_str()
        .filter(|d| d.strip_suffix('.').unwrap_or(d) == "localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let u = parse_endpoint("http://127.0.0.1:8080").unwrap();
        assert_eq!(host_header(&u), "127.0.0.1:8080");
        assert!(is_loopback(&u));
        let u = parse_endpoint("https://cvm.tencentcloudapi.com").unwrap();
        assert_eq!(host_header(&u), "cvm.tencentcloudapi.com");
        assert!(!is_loopback(&u));
        let u = parse_endpoint("https://cvm.tencentcloudapi.com:443/").unwrap();
        assert_eq!(host_header(&u), "cvm.tencentcloudapi.com");
        let u = parse_endpoint("http://[::1]:9000").unwrap();
        assert_eq!(host_header(&u), "[::1]:9000");
        assert!(is_loopback(&u));
        for bad in [
            "",
            "cvm.tencentcloudapi.com",
            "ftp://x",
            "http://",
            "http://h/path",
            "http://u:p@h",
            "http://h/?q=1",
        ] {
            assert!(parse_endpoint(bad).is_err(), "{bad}");
        }
    }

    /// Loopback by address, however it is written; nothing else is.
    #[test]
    fn loopback_is_an_address_not_a_spelling() {
        for local in [
            "http://127.0.0.1:8080",
            "http://127.255.255.254",
            "http://127.1:8080",
            "http://0x7f000001",
            "http://[::1]:9000",
            "http://[::ffff:127.0.0.1]:8080",
            "http://[::ffff:7f00:2]",
            "http://localhost:8080",
            "http://LocalHost:8080",
            "http://localhost.:8080",
            "https://LOCALHOST.",
        ] {
            assert!(Endpoint::parse(local).unwrap().is_loopback(), "{local}");
        }
        for remote in [
            "https://cvm.tencentcloudapi.com",
            "http://128.0.0.1",
            "http://10.0.0.1",
            "http://0.0.0.0",
            "http://[::]",
            "http://[::2]",
            "http://[::ffff:10.0.0.1]",
            "http://[::127.0.0.1]",
            "http://localhost.example.com",
            "http://notlocalhost",
            "http://localhost..",
            "http://127.0.0.1.nip.io",
        ] {
            assert!(!Endpoint::parse(remote).unwrap().is_loopback(), "{remote}");
        }
    }

    #[test]
    fn userinfo_is_hidden_wherever_it_may_be() {
        for (given, shown) in [
            ("http://u:p@h", "http://***@h"),
            ("http://u@h:1/", "http://***@h:1/"),
            ("http://u:p@ss@h", "http://***@h"),
            ("u:p@h", "***@h"),
            ("http:/\\u:p@h", "***@h"),
            ("http://h/a@b", "http://***@b"),
            ("http://h", "http://h"),
            ("", ""),
        ] {
            assert_eq!(hide_userinfo(given), shown, "{given}");
        }
        let e = Endpoint::parse("http://user:pw@h").unwrap_err();
        assert!(
            matches!(&e, ConfigError::InvalidEndpoint { endpoint, .. } if endpoint == "http://***@h"),
            "{e:?}"
        );
    }

    #[test]
    fn regions() {
        assert!(check_region("ap-singapore").is_ok());
        for bad in ["", "AP", "ap singapore", "ap-\n"] {
            assert!(check_region(bad).is_err(), "{bad:?}");
        }
    }
}
