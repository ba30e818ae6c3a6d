//! What the service said when it answered with an error.

use std::fmt;

/// The `Error` object of an answer, with the answer's `RequestId`.
///
/// Every per-action error type wraps one; build one yourself to construct
/// errors in your own tests. It is also the service error of untyped calls
/// ([`Client::call_json`](crate::Client::call_json)).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ErrorMetadata {
    code: String,
    message: String,
    request_id: Option<String>,
}

impl ErrorMetadata {
    /// Metadata with the given code and message, and no request id.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorMetadata {
            code: code.into(),
            message: message.into(),
            request_id: None,
        }
    }

    /// Sets the request id the service gave.
    #[must_use]
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// The error code, e.g. `AuthFailure.SignatureFailure`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The service's message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The `RequestId` of the answer: what Tencent Cloud support asks for.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl fmt::Display for ErrorMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ErrorMetadata {}

impl crate::operation::ServiceError for ErrorMetadata {
    fn from_metadata(metadata: ErrorMetadata) -> Self {
        metadata
    }

    fn metadata(&self) -> &ErrorMetadata {
        self
    }
}
