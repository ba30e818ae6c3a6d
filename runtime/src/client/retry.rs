//! Which failed attempts are repeated, how long to wait first, and the
//! outcome each call is traced as.
//!
//! Throttling and connections never made are retried for every action;
//! anything after which the request may have been acted on only for
//! actions whose spec says `retry_safe` (or by opt-in): a create is never
//! sent twice (ARCHITECTURE.md, "Retries never duplicate a Create").

use std::time::Duration;

use crate::config::RetryConfig;
use crate::error::{ErrorKind, ResponseErrorKind, SdkError, TimeoutKind, TransportErrorKind};
use crate::operation::ServiceError;

/// What the typed decoder made of an answer, as the execute path needs it.
pub(super) struct Verdict {
    pub(super) request_id: Option<String>,
    /// `None` on success.
    pub(super) failure: Option<Failure>,
}

impl Verdict {
    /// What the execute path needs of a decoded answer, typed or not.
    pub(super) fn of<T, E: ServiceError>(
        result: &Result<(T, Option<String>), SdkError<E>>,
    ) -> Self {
        match result {
            Ok((_, request_id)) => Verdict {
                request_id: request_id.clone(),
                failure: None,
            },
            Err(e) => Verdict {
                request_id: e.request_id().map(str::to_owned),
                failure: Some(Failure {
                    retry: retry_class(e.kind(), e.code()),
                    outcome: outcome_of(e.kind()),
                    message: e.to_string(),
                }),
            },
        }
    }
}

/// A failed attempt, described for retrying, tracing and logging.
pub(super) struct Failure {
    pub(super) retry: Retry,
    pub(super) outcome: &'static str,
    pub(super) message: String,
}

/// When a failure may be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Retry {
    Never,
    /// The request certainly did not take effect (throttled, never sent).
    Always,
    /// The request may have taken effect: only for retry-safe actions.
    IfSafe,
    /// The service refused the request's time (`AuthFailure.SignatureExpire`)
    /// before acting on it: re-signed and re-sent once if the answer's `Date`
    /// gives a usable correction, for every action. Not a retry.
    Resign,
}

impl Retry {
    /// Whether a failure of this class may be retried for an action
    /// (`retry_safe` from its spec), attempts left aside.
    pub(super) fn allows(self, retry_safe: bool, retry: &RetryConfig) -> bool {
        match self {
            Retry::Never | Retry::Resign => false,
            Retry::Always => true,
            Retry::IfSafe => retry_safe || retry.retry_ambiguous,
        }
    }
}

/// The most a retry after `tries` attempts waits (the delay is drawn at
/// random below it): the initial backoff doubled per retry, capped.
pub(super) fn backoff_cap(retry: &RetryConfig, tries: u32) -> Duration {
    retry
        .initial_backoff
        .saturating_mul(1 << (tries - 1).min(16))
        .min(retry.max_backoff)
}

/// The outcome a failure is traced as (the span's `outcome`).
pub(super) fn outcome_of<E>(e: &ErrorKind<E>) -> &'static str {
    match e {
        ErrorKind::Build(_) => "build_error",
        ErrorKind::Credentials(_) => "credentials_error",
        ErrorKind::Transport(_) => "transport_error",
        ErrorKind::Timeout(_) => "timeout",
        ErrorKind::RateLimit(_) => "rate_limit_wait",
        ErrorKind::Response(_) => "response_error",
        ErrorKind::Service(_) => "service_error",
        ErrorKind::Pagination(_) => "pagination_bound",
    }
}

/// Whether a failed attempt may be repeated. Throttling and connections
/// never made are safe for every action; anything after which the request
/// may have been acted on only for retry-safe actions (or by opt-in).
pub(super) fn retry_class<E>(e: &ErrorKind<E>, code: Option<&str>) -> Retry {
    match e {
        ErrorKind::Service(_) => match code.unwrap_or_default() {
            c if c == "RequestLimitExceeded" || c.starts_with("RequestLimitExceeded.") => {
                Retry::Always
            }
            "AuthFailure.SignatureExpire" => Retry::Resign,
            "InternalError" | "ServiceUnavailable" => Retry::IfSafe,
            _ => Retry::Never,
        },
        ErrorKind::Transport(t) if t.kind() == TransportErrorKind::Connect => Retry::Always,
        ErrorKind::Transport(t) if t.kind() == TransportErrorKind::Certificate => Retry::Never,
        ErrorKind::Transport(_) => Retry::IfSafe,
        ErrorKind::Timeout(t) => match t.kind() {
            TimeoutKind::Connect => Retry::Always,
            TimeoutKind::Call => Retry::Never,
            _ => Retry::IfSafe,
        },
        ErrorKind::Response(r)
            if *r.kind() == ResponseErrorKind::Unexpected && matches!(r.status(), 502..=504) =>
        {
            Retry::IfSafe
        }
        ErrorKind::Response(_)
        | ErrorKind::Build(_)
        | ErrorKind::Credentials(_)
        | ErrorKind::RateLimit(_)
        | ErrorKind::Pagination(_) => Retry::Never,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorMetadata;
    use crate::credentials::CredentialsError;
    use crate::error::{BuildError, RateLimitError, ResponseError, TimeoutError, TransportError};

    type Kind = ErrorKind<ErrorMetadata>;

    fn service(code: &str) -> Kind {
        ErrorKind::Service(ErrorMetadata::new(code, "refused"))
    }

    fn transport(kind: TransportErrorKind) -> Kind {
        ErrorKind::Transport(TransportError::new(kind, std::io::Error::other("reset")))
    }

    fn timeout(kind: TimeoutKind) -> Kind {
        ErrorKind::Timeout(TimeoutError::new(Duration::from_secs(1), kind))
    }

    fn response(kind: ResponseErrorKind, status: u16) -> Kind {
        ErrorKind::Response(ResponseError::new(
            kind,
            status,
            None,
            None,
            bytes::Bytes::new(),
        ))
    }

    /// A failure's class, the code read as the decoder reads it.
    fn class(e: &Kind) -> Retry {
        let code = match e {
            ErrorKind::Service(m) => Some(m.code()),
            _ => None,
        };
        retry_class(e, code)
    }

    /// Every kind of failure, with its class and whether it is retried for
    /// an action that is not retry-safe (a create) and for one that is.
    fn table() -> Vec<(&'static str, Kind, Retry)> {
        use Retry::*;
        let unexpected = ResponseErrorKind::Unexpected;
        vec![
            ("throttled", service("RequestLimitExceeded"), Always),
            (
                "throttled (sub-code)",
                service("RequestLimitExceeded.UinLimitExceeded"),
                Always,
            ),
            ("not a sub-code", service("RequestLimitExceededX"), Never),
            (
                "clock refused",
                service("AuthFailure.SignatureExpire"),
                Resign,
            ),
            ("internal error", service("InternalError"), IfSafe),
            ("unavailable", service("ServiceUnavailable"), IfSafe),
            ("internal sub-code", service("InternalError.DbError"), Never),
            ("business error", service("ResourceNotFound"), Never),
            (
                "bad signature",
                service("AuthFailure.SignatureFailure"),
                Never,
            ),
            (
                "never connected",
                transport(TransportErrorKind::Connect),
                Always,
            ),
            (
                "bad certificate",
                transport(TransportErrorKind::Certificate),
                Never,
            ),
            (
                "lost after sending",
                transport(TransportErrorKind::Io),
                IfSafe,
            ),
            ("connect timeout", timeout(TimeoutKind::Connect), Always),
            ("attempt timeout", timeout(TimeoutKind::Attempt), IfSafe),
            ("call timeout", timeout(TimeoutKind::Call), Never),
            ("502", response(unexpected.clone(), 502), IfSafe),
            ("503", response(unexpected.clone(), 503), IfSafe),
            ("504", response(unexpected.clone(), 504), IfSafe),
            ("500", response(unexpected.clone(), 500), Never),
            ("501", response(unexpected.clone(), 501), Never),
            ("505", response(unexpected, 505), Never),
            (
                "undecodable 502",
                response(
                    ResponseErrorKind::Decode {
                        message: "x".to_owned(),
                    },
                    502,
                ),
                Never,
            ),
            (
                "too large",
                response(ResponseErrorKind::TooLarge { limit: 1 }, 200),
                Never,
            ),
            ("build", ErrorKind::Build(BuildError::new("bad")), Never),
            (
                "credentials",
                ErrorKind::Credentials(CredentialsError::not_found("none")),
                Never,
            ),
            (
                "rate-limit wait",
                ErrorKind::RateLimit(RateLimitError::new(
                    "Create",
                    1,
                    Duration::ZERO,
                    Duration::from_secs(1),
                )),
                Never,
            ),
        ]
    }

    #[test]
    fn each_failure_has_its_class() {
        for (what, e, expected) in table() {
            assert_eq!(class(&e), expected, "{what}");
        }
    }

    /// A create is re-sent only when it certainly did not take effect; a
    /// retry-safe action also after what may have reached the service.
    #[test]
    fn a_create_is_retried_only_when_it_was_not_acted_on() {
        let standard = RetryConfig::standard();
        for (what, e, _) in table() {
            let c = class(&e);
            let certainly_not_acted_on = c == Retry::Always;
            assert_eq!(
                c.allows(false, &standard),
                certainly_not_acted_on,
                "{what}, not retry-safe"
            );
            assert_eq!(
                c.allows(true, &standard),
                matches!(c, Retry::Always | Retry::IfSafe),
                "{what}, retry-safe"
            );
        }
        let create = |what: &str| {
            let (_, e, _) = table().into_iter().find(|(w, ..)| *w == what).unwrap();
            class(&e).allows(false, &standard)
        };
        assert!(create("throttled") && create("never connected") && create("connect timeout"));
        for ambiguous in [
            "lost after sending",
            "attempt timeout",
            "503",
            "internal error",
        ] {
            assert!(!create(ambiguous), "{ambiguous}");
        }
    }

    #[test]
    fn retry_ambiguous_opts_a_create_in_but_not_what_is_never_retried() {
        let opted_in = RetryConfig::standard().retry_ambiguous(true);
        assert!(Retry::IfSafe.allows(false, &opted_in));
        assert!(Retry::Always.allows(false, &opted_in));
        for never in [Retry::Never, Retry::Resign] {
            assert!(!never.allows(false, &opted_in), "{never:?}");
            assert!(!never.allows(true, &opted_in), "{never:?}");
        }
    }

    #[test]
    fn outcome_names() {
        let names: Vec<_> = [
            ErrorKind::Build(BuildError::new("bad")),
            ErrorKind::Credentials(CredentialsError::not_found("none")),
            transport(TransportErrorKind::Io),
            timeout(TimeoutKind::Call),
            ErrorKind::RateLimit(RateLimitError::new("A", 1, Duration::ZERO, Duration::ZERO)),
            response(ResponseErrorKind::Unexpected, 502),
            service("InternalError"),
        ]
        .iter()
        .map(outcome_of)
        .collect();
        assert_eq!(
            names,
            [
                "build_error",
                "credentials_error",
                "transport_error",
                "timeout",
                "rate_limit_wait",
                "response_error",
                "service_error"
            ]
        );
    }

    #[test]
    fn a_verdict_carries_the_request_id_and_the_class() {
        let ok: Result<((), Option<String>), SdkError<ErrorMetadata>> =
            Ok(((), Some("id-1".to_owned())));
        let v = Verdict::of(&ok);
        assert_eq!(v.request_id.as_deref(), Some("id-1"));
        assert!(v.failure.is_none());

        let refused: Result<((), Option<String>), _> = Err(SdkError::from(ErrorKind::Service(
            ErrorMetadata::new("RequestLimitExceeded", "slow down").with_request_id("id-2"),
        )));
        let v = Verdict::of(&refused);
        assert_eq!(v.request_id.as_deref(), Some("id-2"));
        let f = v.failure.unwrap();
        assert_eq!(f.retry, Retry::Always);
        assert_eq!(f.outcome, "service_error");
        assert!(f.message.contains("slow down"), "{}", f.message);

        let resign: Result<((), Option<String>), _> = Err(SdkError::from(ErrorKind::Service(
            ErrorMetadata::new("AuthFailure.SignatureExpire", "expired"),
        )));
        let f = Verdict::of(&resign).failure.unwrap();
        assert_eq!(f.retry, Retry::Resign);
    }

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let r = RetryConfig::standard()
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_secs(1));
        let caps: Vec<_> = (1..=6).map(|t| backoff_cap(&r, t).as_millis()).collect();
        assert_eq!(caps, [100, 200, 400, 800, 1000, 1000]);
        // Many tries neither overflow nor exceed the cap.
        let long = RetryConfig::standard().with_max_backoff(Duration::MAX);
        assert_eq!(backoff_cap(&long, u32::MAX), Duration::from_secs(1 << 16));
    }
}
