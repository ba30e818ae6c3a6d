//! Header rules the service applies before reading parameters: headers it
//! reads once must be sent once (two `X-TC-Action`s name no action), and a
//! language must be one it speaks.

use hyper::HeaderMap;

use super::verify::{ApiError, excerpt};

/// Languages the service answers in (`X-TC-Language`, v1 `Language`).
const LANGUAGES: [&str; 2] = ["en-US", "zh-CN"];

/// Whether the service reads `name` (lower-case) as one value.
fn read_once(name: &str) -> bool {
    matches!(name, "host" | "authorization" | "content-type") || name.starts_with("x-tc-")
}

/// Refuses a header the service reads once that is given more than once.
/// Cheap: runs before authentication over at most hyper's header count.
pub(super) fn single(headers: &HeaderMap) -> Result<(), ApiError> {
    for name in headers.keys() {
        let given = headers.get_all(name).iter().count();
        if given > 1 && read_once(name.as_str()) {
            return Err(ApiError::new(
                "InvalidParameter",
                format!(
                    "The header `{}` is given {given} times; send it once.",
                    name.as_str()
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses a language the service does not speak (absent is `zh-CN`).
pub(super) fn language(value: Option<&[u8]>, what: &str) -> Result<(), ApiError> {
    match value {
        None => Ok(()),
        Some(v) if LANGUAGES.iter().any(|l| l.as_bytes() == v) => Ok(()),
        Some(v) => Err(ApiError::new(
            "InvalidParameterValue",
            format!(
                "The {what} `{}` is not supported: use `en-US` or `zh-CN`.",
                excerpt(&String::from_utf8_lossy(v))
            ),
        )),
    }
}
