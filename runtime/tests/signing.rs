//! The signing test vectors: Tencent's published examples (the API 3.0
//! signature page's `cvm` example) and the TCMPP vectors of
//! `../shared/reference/tcmpp-wire-facts.md`, stage by stage.

use tencentcloud_runtime::signing::*;

const BODY_A: &str =
    r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;

fn vector_a() -> Request<'static> {
    Request {
        service: "cvm",
        host: "cvm.tencentcloudapi.com",
        content_type: "application/json; charset=utf-8",
        payload: BODY_A.as_bytes(),
        timestamp: 1_551_113_065,
    }
}

fn vector_c() -> Request<'static> {
    Request {
        service: "tcmpp",
        host: "tcmpp.tencentcloudapi.com",
        content_type: "application/json",
        payload: br#"{"MNPId":"mpg9yjc0qbpkelik","PlatformId":"T04257DS9431720WTAG"}"#,
        timestamp: 1_724_142_147,
    }
}

#[test]
fn vector_a_every_stage() {
    let req = vector_a();
    assert_eq!(utc_date(req.timestamp), "2019-02-25");
    assert_eq!(
        sha256_hex(req.payload),
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    );
    assert_eq!(
        sha256_hex(canonical_request(&req).as_bytes()),
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    );
    let secret_id = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******";
    let secret_key = "Gu5t9xGARNpq86cd98joQYCN3*******";
    let sig = "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c";
    assert_eq!(signature(secret_key, &req), sig);
    let auth = format!(
        "TC3-HMAC-SHA256 Credential={secret_id}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature={sig}"
    );
    assert_eq!(authorization(secret_id, sig, &req), auth);
    assert_eq!(
        Signer::new().authorization(secret_id, secret_key, &req),
        auth
    );
}

#[test]
fn vector_c_every_stage() {
    let req = vector_c();
    assert_eq!(utc_date(req.timestamp), "2024-08-20");
    assert_eq!(
        sha256_hex(req.payload),
        "c4c4838d121edaff1feaf469f6e7939eebb0bfe46de9a2786f561e013a7bcd09"
    );
    assert_eq!(
        sha256_hex(canonical_request(&req).as_bytes()),
        "0fc35a37e8a800e64355e09ae032d14eef0c19bc308eb2e12a02f78a21e96e96"
    );
    let sig = "2d166a14222176e1cec3eb5db57a81ae34ad21538c2cc075faa0e613790cbc40";
    assert_eq!(signature("SECRETEXAMPLE", &req), sig);
    let auth = format!(
        "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2024-08-20/tcmpp/tc3_request, SignedHeaders=content-type;host, Signature={sig}"
    );
    assert_eq!(
        Signer::new().authorization("AKIDEXAMPLE", "SECRETEXAMPLE", &req),
        auth
    );
    assert_eq!(
        Signer::authorization_uncached("AKIDEXAMPLE", "SECRETEXAMPLE", &req),
        auth
    );
}

#[test]
fn the_cache_follows_key_date_and_service() {
    let signer = Signer::new();
    let c = vector_c();
    let first = signer.authorization("AKIDEXAMPLE", "SECRETEXAMPLE", &c);
    assert_eq!(
        signer.authorization("AKIDEXAMPLE", "SECRETEXAMPLE", &c),
        first
    );
    // Another key, another day and another service each re-derive.
    let other_key = signer.authorization("AKIDEXAMPLE", "OTHER", &c);
    assert_eq!(
        other_key,
        Signer::authorization_uncached("AKIDEXAMPLE", "OTHER", &c)
    );
    let next_day = Request {
        timestamp: c.timestamp + 86_400,
        ..c
    };
    assert_eq!(
        signer.authorization("AKIDEXAMPLE", "SECRETEXAMPLE", &next_day),
        Signer::authorization_uncached("AKIDEXAMPLE", "SECRETEXAMPLE", &next_day)
    );
    let other_service = Request {
        service: "tcsas",
        ..c
    };
    assert_eq!(
        signer.authorization("AKIDEXAMPLE", "SECRETEXAMPLE", &other_service),
        Signer::authorization_uncached("AKIDEXAMPLE", "SECRETEXAMPLE", &other_service)
    );
}

#[test]
fn header_values_are_lower_cased_and_trimmed() {
    let lower = vector_a();
    let mixed = Request {
        content_type: " Application/JSON; charset=UTF-8 ",
        host: "CVM.tencentcloudapi.com",
        ..lower
    };
    assert_eq!(canonical_request(&mixed), canonical_request(&lower));
    let sig = "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c";
    assert_eq!(signature("Gu5t9xGARNpq86cd98joQYCN3*******", &mixed), sig);
    assert!(
        Signer::new()
            .authorization("id", "Gu5t9xGARNpq86cd98joQYCN3*******", &mixed)
            .ends_with(sig)
    );
    let canonical = canonical_request_with(
        "POST",
        "",
        &[
            ("Content-Type", "application/json; charset=utf-8"),
            ("Host", "cvm.tencentcloudapi.com"),
        ],
        lower.payload,
    );
    assert_eq!(canonical, canonical_request(&lower));
    assert_eq!(
        signature_of_canonical(
            "Gu5t9xGARNpq86cd98joQYCN3*******",
            lower.timestamp,
            "2019-02-25",
            "cvm",
            &canonical
        ),
        sig
    );
}

#[test]
fn utc_dates() {
    assert_eq!(utc_date(0), "1970-01-01");
    assert_eq!(utc_date(951_782_400), "2000-02-29");
    assert_eq!(utc_date(1_709_164_799), "2024-02-28");
    assert_eq!(utc_date(1_709_164_800), "2024-02-29");
    assert_eq!(utc_date(4_102_444_800), "2100-01-01");
    assert_eq!(utc_date(1_724_198_399), "2024-08-20");
    assert_eq!(utc_date(1_724_198_400), "2024-08-21");
}

#[test]
fn signer_debug_shows_no_key() {
    let signer = Signer::new();
    signer.authorization("AKIDEXAMPLE", "SECRETEXAMPLE", &vector_c());
    assert!(!format!("{signer:?}").contains("SECRETEXAMPLE"));
}
