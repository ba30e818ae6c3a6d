//! Progress on stderr: the client's tracing events (a retry, a rate-limit
//! wait, a clock correction) as one line each, so a slow or failing service
//! is never minutes of silence.

use std::fmt::Write as _;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber, span};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

/// Installs the progress layer for the whole process.
pub fn install(json: bool) {
    use tracing_subscriber::layer::SubscriberExt as _;
    let subscriber = tracing_subscriber::registry().with(Progress { json });
    // Only fails if a subscriber is already set, and then that one reports.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// How often a call that has not answered says so.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs one call of `action`, saying every 5 s that it is still waiting:
/// a silent service shows as time passing, not as nothing.
pub async fn patiently<T>(action: &str, call: impl std::future::Future<Output = T>) -> T {
    let started = tokio::time::Instant::now();
    let mut ticks = tokio::time::interval_at(started + PATIENCE, PATIENCE);
    tokio::pin!(call);
    loop {
        tokio::select! {
            done = &mut call => return done,
            _ = ticks.tick() => {
                let waited_s = started.elapsed().as_secs();
                tracing::info!(action, waited_s, "still waiting");
            }
        }
    }
}

/// The action of a `tencentcloud.call` span, kept in the span's extensions.
struct Action(String);

struct Progress {
    json: bool,
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Progress {
    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        // The client's, its rate budget's and this program's events at info
        // and above; not the transport's.
        let target = metadata.target();
        *metadata.level() <= Level::INFO
            && ["tencentcloud_runtime", "tencentcloud_redis_budget", "tcmpp"]
                .iter()
                .any(|t| {
                    target
                        .strip_prefix(t)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
                })
    }

    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let (Some(Value::String(action)), Some(span)) = (fields.0.remove("action"), ctx.span(id))
        {
            span.extensions_mut().insert(Action(action));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let action = ctx.event_scope(event).and_then(|scope| {
            scope
                .from_root()
                .find_map(|s| s.extensions().get::<Action>().map(|a| a.0.clone()))
        });
        let warning = *event.metadata().level() <= Level::WARN;
        if self.json {
            let mut entry = fields.0;
            if let Some(action) = action {
                entry.insert("action".to_owned(), Value::String(action));
            }
            if warning {
                entry.insert("warning".to_owned(), Value::Bool(true));
            }
            eprintln!("{}", serde_json::json!({ "progress": entry }));
        } else {
            eprintln!("{}", line(action.as_deref(), warning, fields.0));
        }
    }
}

/// One readable line: the client's two progress events in words, anything
/// else as its message and fields.
fn line(action: Option<&str>, warning: bool, mut fields: Map<String, Value>) -> String {
    let message = match fields.remove("message") {
        Some(Value::String(m)) => m,
        _ => String::new(),
    };
    let mut text = String::from(if warning { "warning: " } else { "" });
    if let Some(action) = action {
        let _ = write!(text, "{action}: ");
    }
    let number = |fields: &Map<String, Value>, name| fields.get(name).and_then(Value::as_u64);
    if message == "still waiting" {
        if let (Some(Value::String(action)), Some(waited)) =
            (fields.get("action"), number(&fields, "waited_s"))
        {
            let _ = write!(text, "{action}: still waiting for an answer ({waited} s)");
            return text;
        }
    }
    match (message.as_str(), number(&fields, "attempt")) {
        ("retrying", Some(attempt)) => {
            let error = fields.get("error").and_then(Value::as_str).unwrap_or("");
            let delay = number(&fields, "delay_ms").unwrap_or(0);
            let _ = write!(
                text,
                "attempt {attempt} failed ({error}); retrying in {delay} ms"
            );
            return text;
        }
        _ => text.push_str(&message),
    }
    if message == "rate limit" {
        if let Some(waited) = number(&fields, "waited_ms") {
            let _ = write!(text, ": waited {waited} ms for a slot");
            if let Some(limit) = number(&fields, "per_second") {
                let _ = write!(text, " (limit {limit}/s)");
            }
            return text;
        }
    }
    for (name, value) in &fields {
        match value {
            Value::String(s) => {
                let _ = write!(text, " {name}={s}");
            }
            other => {
                let _ = write!(text, " {name}={other}");
            }
        }
    }
    text
}

/// An event's or span's fields as JSON values.
#[derive(Default)]
struct Fields(Map<String, Value>);

impl Visit for Fields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_owned(), value.into());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_owned(), value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_owned(), value.into());
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.into());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_owned(), format!("{value:?}").into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn the_client_events_read_as_sentences() {
        let retry = json!({"message": "retrying", "attempt": 2, "delay_ms": 180, "error": "cannot connect"});
        assert_eq!(
            line(Some("CreateMNPVersion"), false, fields(retry)),
            "CreateMNPVersion: attempt 2 failed (cannot connect); retrying in 180 ms"
        );
        let wait = json!({"message": "rate limit", "waited_ms": 640, "per_second": 20});
        assert_eq!(
            line(Some("DescribeMNPAllStageVersions"), false, fields(wait)),
            "DescribeMNPAllStageVersions: rate limit: waited 640 ms for a slot (limit 20/s)"
        );
        let other = json!({"message": "clock differs", "offset_s": 600});
        assert_eq!(
            line(None, true, fields(other)),
            "warning: clock differs offset_s=600"
        );
    }
}
