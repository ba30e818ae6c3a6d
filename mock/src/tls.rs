//! HTTPS for the mock (feature `tls`): a certificate authority made
//! for this run and a server certificate it issued for the loopback names,
//! so clients that only speak HTTPS (`tccli`) can be pointed at the mock
//! by trusting one PEM file.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The names the server certificate is valid for.
const LOOPBACK_NAMES: [&str; 3] = ["127.0.0.1", "::1", "localhost"];

/// A root certificate authority generated for this run, and a server
/// certificate it issued for `127.0.0.1`, `::1` and `localhost`.
///
/// Nothing is written to disk unless you write [`root_pem`](Self::root_pem)
/// yourself; a client trusts the mock by trusting that PEM
/// (`ClientBuilder::add_root_certificate_pem`, Node's `NODE_EXTRA_CA_CERTS`,
/// the Python SDK's `HttpProfile(certification=...)`). The private keys never leave the process.
#[derive(Clone)]
pub struct LoopbackCa {
    root_pem: String,
    server: Arc<ServerConfig>,
}

impl std::fmt::Debug for LoopbackCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoopbackCa").finish_non_exhaustive()
    }
}

/// Making the certificates failed (a key could not be generated, or the
/// TLS library refused the result).
#[derive(Debug)]
pub struct TlsSetupError(String);

impl std::fmt::Display for TlsSetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot set up HTTPS for the mock: {}", self.0)
    }
}

impl std::error::Error for TlsSetupError {}

fn setup<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> TlsSetupError {
    move |e| TlsSetupError(format!("{what}: {e}"))
}

impl LoopbackCa {
    /// A fresh root named `name` (its subject's common name) and a server
    /// certificate it signed. Each call makes new keys.
    pub fn generate(name: &str) -> Result<LoopbackCa, TlsSetupError> {
        let mut root = CertificateParams::new(Vec::<String>::new())
            .map_err(setup("root certificate parameters"))?;
        root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        root.distinguished_name.push(DnType::CommonName, name);
        root.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let root_key = KeyPair::generate().map_err(setup("root key"))?;
        let root =
            CertifiedIssuer::self_signed(root, root_key).map_err(setup("root certificate"))?;

        let names: Vec<String> = LOOPBACK_NAMES.iter().map(|n| (*n).to_owned()).collect();
        let mut leaf =
            CertificateParams::new(names).map_err(setup("server certificate parameters"))?;
        leaf.distinguished_name
            .push(DnType::CommonName, "tcmpp mock server");
        leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let leaf_key = KeyPair::generate().map_err(setup("server key"))?;
        let leaf_cert = leaf
            .signed_by(&leaf_key, &root)
            .map_err(setup("server certificate"))?;

        // ring: see ARCHITECTURE.md, "The TLS provider".
        #[allow(deprecated)]
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let mut server = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(setup("TLS versions"))?
            .with_no_client_auth()
            .with_single_cert(
                vec![
                    CertificateDer::from(leaf_cert.der().to_vec()),
                    CertificateDer::from(root.der().to_vec()),
                ],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
            )
            .map_err(setup("server identity"))?;
        // The mock speaks HTTP/1.1 only.
        server.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(LoopbackCa {
            root_pem: root.pem(),
            server: Arc::new(server),
        })
    }

    /// The root certificate, PEM: what a client must trust.
    pub fn root_pem(&self) -> &str {
        &self.root_pem
    }

    pub(super) fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(self.server.clone())
    }
}
