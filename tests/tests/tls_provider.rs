//! The client uses the rustls provider the application installed
//! process-wide (how a user gets post-quantum key exchange: ARCHITECTURE.md,
//! "The TLS provider"), and installs ring only when none is. A test binary
//! of its own: the provider is the process's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

#[test]
fn an_installed_provider_is_the_one_the_client_uses() {
    // ring with no cipher suites: a client built with it cannot be made,
    // one built with ring's own provider could.
    #[allow(deprecated)]
    let mut provider = rustls::crypto::ring::default_provider();
    provider.cipher_suites.clear();
    provider.install_default().unwrap();
    let built = tcmpp_api::Client::builder()
        .region("ap-singapore")
        .endpoint("https://127.0.0.1:9")
        .credentials(tencentcloud_mock::demo_credentials())
        .build();
    let err = built.expect_err("the client ignored the installed provider");
    // reqwest refuses the provider's empty suite list.
    let chain = format!("{err:?}");
    assert!(chain.contains("invalid TLS versions"), "{chain}");
}
