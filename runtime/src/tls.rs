//! TLS, whichever library provides it: the rustls provider installed
//! before a client is built, the trust roots (each certificate checked at
//! `build`, so a bad one is a `ConfigError` rather than a failed handshake
//! on every call), and a refused certificate said in words.

use crate::config::ConfigError;

/// reqwest's `rustls-no-provider` uses the process-wide rustls provider:
/// install ring unless the application already chose one.
pub(crate) fn install_tls_provider() {
    #[cfg(feature = "rustls")]
    {
        // ring, deprecated by rustls 0.23.48 for lacking post-quantum key
        // exchange: see ARCHITECTURE.md, "The TLS provider".
        #[allow(deprecated)]
        let provider = rustls::crypto::ring::default_provider();
        let _ = provider.install_default();
    }
}

/// Adds the caller's roots to the HTTP client and, when asked, drops the
/// platform's. Each certificate is checked here, so a bad one is named at
/// `build` rather than failing every handshake.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
pub(crate) fn trust(
    http: reqwest::ClientBuilder,
    bundles: &[Vec<u8>],
    platform: bool,
) -> Result<reqwest::ClientBuilder, ConfigError> {
    let mut certs = Vec::new();
    for (i, pem) in bundles.iter().enumerate() {
        let invalid = |what: String| ConfigError::InvalidRootCertificate {
            reason: format!("PEM bundle {}: {what}", i + 1),
        };
        let found = parse_pem_bundle(pem).map_err(invalid)?;
        if found.is_empty() {
            return Err(invalid("no -----BEGIN CERTIFICATE----- block".to_owned()));
        }
        certs.extend(found);
    }
    Ok(match (platform, certs.is_empty()) {
        (true, true) => http,
        (true, false) => http.tls_certs_merge(certs),
        (false, true) => return Err(ConfigError::NoTrustedRoots),
        (false, false) => http.tls_certs_only(certs),
    })
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
pub(crate) fn trust(
    http: reqwest::ClientBuilder,
    bundles: &[Vec<u8>],
    platform: bool,
) -> Result<reqwest::ClientBuilder, ConfigError> {
    if bundles.is_empty() && platform {
        Ok(http)
    } else {
        Err(ConfigError::NoTls)
    }
}

/// The certificates of a PEM bundle, each checked as a trust anchor.
#[cfg(feature = "rustls")]
fn parse_pem_bundle(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;

    let mut certs = Vec::new();
    for (n, der) in CertificateDer::pem_slice_iter(pem).enumerate() {
        let der = der.map_err(|e| format!("certificate {}: not PEM ({e})", n + 1))?;
        rustls::RootCertStore::empty()
            .add(der.clone())
            .map_err(|e| format!("certificate {}: {e}", n + 1))?;
        certs.push(
            reqwest::Certificate::from_der(&der)
                .map_err(|e| format!("certificate {}: {e}", n + 1))?,
        );
    }
    Ok(certs)
}

/// The certificates of a PEM bundle (OpenSSL parses each).
#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
fn parse_pem_bundle(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, String> {
    reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
        let mut text = e.to_string();
        if let Some(source) = std::error::Error::source(&e) {
            text = format!("{text}: {source}");
        }
        text
    })
}

/// Why the endpoint's certificate was refused, in words, if that is what
/// ended a connection. The TLS library's error is somewhere in the chain;
/// `io::Error` hides the error it wraps from `source()`, so it is opened.
pub(crate) fn certificate_problem(e: &(dyn std::error::Error + 'static)) -> Option<&'static str> {
    let mut next = Some(e);
    while let Some(err) = next {
        #[cfg(feature = "rustls")]
        if let Some(detail) = err.downcast_ref::<rustls::Error>().and_then(rustls_problem) {
            return Some(detail);
        }
        if let Some(inner) = err
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            if let Some(detail) = certificate_problem(inner) {
                return Some(detail);
            }
        }
        if let Some(detail) = openssl_problem(&err.to_string()) {
            return Some(detail);
        }
        next = err.source();
    }
    None
}

const UNKNOWN_ISSUER: &str = "it was issued by a certificate authority this client does not trust";
const WRONG_NAME: &str = "it is not valid for the endpoint's host name";
const EXPIRED: &str = "it has expired";
const NOT_YET: &str = "it is not valid yet (or this machine's clock is behind)";
const UNVERIFIED: &str = "it could not be verified";

#[cfg(feature = "rustls")]
fn rustls_problem(e: &rustls::Error) -> Option<&'static str> {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => Some(match c {
            C::UnknownIssuer => UNKNOWN_ISSUER,
            C::NotValidForName | C::NotValidForNameContext { .. } => WRONG_NAME,
            C::Expired | C::ExpiredContext { .. } => EXPIRED,
            C::NotValidYet | C::NotValidYetContext { .. } => NOT_YET,
            C::Revoked => "it has been revoked",
            _ => UNVERIFIED,
        }),
        _ => None,
    }
}

/// OpenSSL's words (the `native-tls` feature), which it gives only as text.
fn openssl_problem(text: &str) -> Option<&'static str> {
    if !text.contains("certificate verify failed") {
        return None;
    }
    Some(
        if text.contains("self-signed") || text.contains("self signed") || text.contains("issuer") {
            UNKNOWN_ISSUER
        } else if text.contains("mismatch") {
            WRONG_NAME
        } else if text.contains("expired") {
            EXPIRED
        } else if text.contains("not yet valid") {
            NOT_YET
        } else {
            UNVERIFIED
        },
    )
}

#[cfg(test)]
mod tests {
    use std::error::Error;
    use std::fmt;

    use super::*;

    /// An error with a message and a source, as the HTTP stack nests them.
    #[derive(Debug)]
    struct Wrap(&'static str, Option<Box<dyn Error + Send + Sync>>);

    impl fmt::Display for Wrap {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl Error for Wrap {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            self.1.as_deref().map(|e| e as &(dyn Error + 'static))
        }
    }

    /// OpenSSL's texts (as native-tls gives them) in words; anything
    /// without its verify failure is not a certificate problem.
    #[test]
    fn openssl_texts() {
        let failed = "error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:ssl/statem/statem_clnt.c:2091:";
        for (detail, expected) in [
            ("(self-signed certificate)", UNKNOWN_ISSUER),
            (
                "(self signed certificate in certificate chain)",
                UNKNOWN_ISSUER,
            ),
            ("(unable to get local issuer certificate)", UNKNOWN_ISSUER),
            ("(Hostname mismatch)", WRONG_NAME),
            ("(certificate has expired)", EXPIRED),
            ("(certificate is not yet valid)", NOT_YET),
            ("(certificate revoked)", UNVERIFIED),
            ("", UNVERIFIED),
        ] {
            let text = format!("{failed} {detail}");
            assert_eq!(openssl_problem(&text), Some(expected), "{text}");
        }
        for other in [
            "Connection refused (os error 111)",
            "certificate has expired",
            "error:0A00010B:SSL routines:ssl3_get_record:wrong version number",
        ] {
            assert_eq!(openssl_problem(other), None, "{other}");
        }
    }

    #[test]
    fn the_problem_is_found_anywhere_in_the_chain() {
        let openssl = Wrap(
            "error sending request",
            Some(Box::new(Wrap(
                "client error (Connect)",
                Some(Box::new(Wrap(
                    "error:0A000086:SSL routines::certificate verify failed (certificate has expired)",
                    None,
                ))),
            ))),
        );
        assert_eq!(certificate_problem(&openssl), Some(EXPIRED));
        let refused = Wrap(
            "error sending request",
            Some(Box::new(std::io::Error::from(
                std::io::ErrorKind::ConnectionRefused,
            ))),
        );
        assert_eq!(certificate_problem(&refused), None);
    }

    #[cfg(feature = "rustls")]
    #[test]
    fn rustls_certificate_errors_in_words() {
        use rustls::CertificateError as C;
        for (c, expected) in [
            (C::UnknownIssuer, UNKNOWN_ISSUER),
            (C::NotValidForName, WRONG_NAME),
            (C::Expired, EXPIRED),
            (C::NotValidYet, NOT_YET),
            (C::Revoked, "it has been revoked"),
            (C::BadSignature, UNVERIFIED),
        ] {
            let e = rustls::Error::InvalidCertificate(c.clone());
            assert_eq!(rustls_problem(&e), Some(expected), "{c:?}");
        }
        assert_eq!(rustls_problem(&rustls::Error::DecryptError), None);
    }

    /// rustls' error arrives inside an `io::Error`, whose `source()` skips
    /// it: it is found all the same.
    #[cfg(feature = "rustls")]
    #[test]
    fn a_rustls_error_inside_an_io_error_is_found() {
        let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, tls);
        let chain = Wrap("client error (Connect)", Some(Box::new(io)));
        assert_eq!(certificate_problem(&chain), Some(WRONG_NAME));
    }
}
