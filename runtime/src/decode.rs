//! Answer bytes to an output or a typed error.

use bytes::Bytes;
use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::__private::ErrorBody;
use crate::ErrorMetadata;
use crate::error::{ErrorKind, ResponseError, ResponseErrorKind, SdkError};
use crate::lenient::lenient;
use crate::operation::{BodyError, Operation, ResponseBody, ServiceError};

/// `{"Response": ...}`.
#[derive(Deserialize)]
struct Envelope<B> {
    #[serde(rename = "Response")]
    response: B,
}

/// Just enough of an envelope to classify an answer the typed body rejected.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "Error", default)]
    error: Option<ErrorBody>,
    #[serde(rename = "RequestId", default, deserialize_with = "lenient")]
    request_id: Option<String>,
}

/// Only the `RequestId`, for envelopes whose `Error` is itself malformed.
#[derive(Deserialize)]
struct IdOnly {
    #[serde(rename = "Error", default)]
    error: Option<IgnoredAny>,
    #[serde(rename = "RequestId", default, deserialize_with = "lenient")]
    request_id: Option<String>,
}

/// Decodes an answer. The envelope is recognised by its body, whatever the
/// `Content-Type` says (gateways add charsets, some servers send text/plain).
pub(crate) fn decode<O: Operation>(
    status: u16,
    content_type: Option<String>,
    body: Bytes,
) -> Result<O::Output, SdkError<O::Error>> {
    decode_with_id::<O>(status, content_type, body).map(|(output, _)| output)
}

/// An output with its `RequestId`, or the call's error.
pub(crate) type Decoded<O> =
    Result<(<O as Operation>::Output, Option<String>), SdkError<<O as Operation>::Error>>;

/// [`decode`], also giving a success's `RequestId` (errors carry theirs).
pub(crate) fn decode_with_id<O: Operation>(
    status: u16,
    content_type: Option<String>,
    body: Bytes,
) -> Decoded<O> {
    let fail = |kind, request_id, body| {
        SdkError::from(ErrorKind::Response(ResponseError::new(
            kind,
            status,
            content_type.clone(),
            request_id,
            body,
        )))
    };
    // Validating UTF-8 once, up front, is faster than serde_json checking
    // every string; a body that is not UTF-8 is not an envelope anyway.
    let Ok(text) = std::str::from_utf8(&body) else {
        return Err(fail(ResponseErrorKind::Unexpected, None, body));
    };
    let typed = match serde_json::from_str::<Envelope<O::ResponseBody>>(text) {
        Ok(envelope) => {
            let request_id = envelope.response.request_id().map(str::to_owned);
            return match envelope.response.into_output() {
                Ok(output) if status == 200 => Ok((output, request_id)),
                Ok(_) => Err(fail(ResponseErrorKind::Unexpected, request_id, body)),
                Err(BodyError::Service(meta)) => {
                    Err(ErrorKind::Service(O::Error::from_metadata(meta)).into())
                }
                Err(BodyError::Missing { member, request_id }) => Err(fail(
                    ResponseErrorKind::Decode {
                        message: format!("member `{member}` is missing or null"),
                    },
                    request_id,
                    body,
                )),
            };
        }
        Err(typed) => typed,
    };
    match serde_json::from_str::<Envelope<Probe>>(text) {
        Ok(Envelope {
            response:
                Probe {
                    error: Some(error),
                    request_id,
                },
        }) => {
            Err(ErrorKind::Service(O::Error::from_metadata(error.into_metadata(request_id))).into())
        }
        Ok(Envelope { response: probe }) if status == 200 => Err(fail(
            ResponseErrorKind::Decode {
                message: typed.to_string(),
            },
            probe.request_id,
            body,
        )),
        Ok(Envelope { response: probe }) => {
            Err(fail(ResponseErrorKind::Unexpected, probe.request_id, body))
        }
        Err(_) => {
            // Not even the error fits: keep whatever request id there is.
            let id = serde_json::from_str::<Envelope<IdOnly>>(text).ok();
            let malformed_error = id.as_ref().is_some_and(|e| e.response.error.is_some());
            let request_id = id.and_then(|e| e.response.request_id);
            let kind = if malformed_error {
                ResponseErrorKind::Decode {
                    message: "the answer's `Error` is not an object with a string `Code`"
                        .to_owned(),
                }
            } else if status == 200 && request_id.is_some() {
                ResponseErrorKind::Decode {
                    message: typed.to_string(),
                }
            } else {
                ResponseErrorKind::Unexpected
            };
            Err(fail(kind, request_id, body))
        }
    }
}

/// An untyped answer: the `Response` object, or the service's error.
pub(crate) fn decode_json(
    status: u16,
    content_type: Option<String>,
    body: Bytes,
) -> Result<(serde_json::Value, Option<String>), SdkError<ErrorMetadata>> {
    let parsed = std::str::from_utf8(&body)
        .ok()
        .and_then(|t| serde_json::from_str::<Envelope<serde_json::Value>>(t).ok())
        .map(|e| e.response)
        .filter(serde_json::Value::is_object);
    let request_id = parsed
        .as_ref()
        .and_then(|r| r.get("RequestId"))
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    let error = parsed
        .as_ref()
        .and_then(|r| r.get("Error"))
        .and_then(|e| ErrorBody::deserialize(e).ok());
    match (parsed, error) {
        (Some(_), Some(error)) => Err(ErrorKind::Service(error.into_metadata(request_id)).into()),
        (Some(response), None) if status == 200 => Ok((response, request_id)),
        _ => Err(SdkError::from(ErrorKind::Response(ResponseError::new(
            ResponseErrorKind::Unexpected,
            status,
            content_type,
            request_id,
            body,
        )))),
    }
}
