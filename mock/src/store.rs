//! The mock's memory: mini program versions, seeded from the spec's
//! `DescribeMNPAllStageVersions` example and grown by `CreateMNPVersion`.
//! Any other action answers with its spec example.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use super::verify::{ApiError, excerpt};
use tencentcloud_runtime::operation::{OperationInfo, ServiceInfo};

const DESCRIBE: &str = "DescribeMNPAllStageVersions";
const CREATE: &str = "CreateMNPVersion";

/// What the mock remembers.
pub(crate) struct Store {
    /// Whether the seeded actions are served statefully: they are
    /// TCMPP's (its version store), not any service's of the same name.
    stateful: bool,
    /// Versions as wire objects, in creation order.
    versions: Vec<Map<String, Value>>,
    /// Platforms that exist (from the seed).
    platforms: Vec<String>,
    next_task: u64,
    /// Created versions a mini program may hold (the seed's do not count).
    max_versions: usize,
    /// Versions created so far, per mini program.
    created: std::collections::HashMap<String, usize>,
}

fn example(service: &ServiceInfo, action: &str, request: bool) -> Option<Value> {
    let op = service.operation(action)?;
    let text = if request {
        op.example_request
    } else {
        op.example_response
    }?;
    serde_json::from_str(text).ok()
}

impl Store {
    pub(crate) fn seeded(service: &ServiceInfo, max_versions: usize) -> Store {
        let versions = example(service, DESCRIBE, false)
            .and_then(|v| v["Response"]["Data"].as_array().cloned())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.as_object().cloned())
            .collect();
        let platforms = example(service, DESCRIBE, true)
            .and_then(|v| v["PlatformId"].as_str().map(str::to_owned))
            .into_iter()
            .collect();
        Store {
            stateful: service.name == "tcmpp",
            versions,
            platforms,
            next_task: 1,
            max_versions,
            created: std::collections::HashMap::new(),
        }
    }

    /// Answers an action: the `Response` members without `RequestId`.
    pub(crate) fn handle(
        &mut self,
        op: &OperationInfo,
        body: &Value,
    ) -> Result<Map<String, Value>, ApiError> {
        match op.action {
            DESCRIBE if self.stateful => self.describe(body),
            CREATE if self.stateful => self.create(body),
            _ => Ok(op
                .example_response
                .and_then(|t| serde_json::from_str::<Value>(t).ok())
                .and_then(|v| v.get("Response").and_then(Value::as_object).cloned())
                .map(|mut m| {
                    m.remove("RequestId");
                    m
                })
                .unwrap_or_default()),
        }
    }

    fn known_program(&self, mnp_id: &str) -> bool {
        self.versions
            .iter()
            .any(|v| v.get("MNPId").and_then(Value::as_str) == Some(mnp_id))
    }

    fn check_ids(&self, body: &Value) -> Result<(String, String), ApiError> {
        let mnp_id = str_param(body, "MNPId");
        let platform_id = str_param(body, "PlatformId");
        if !self.platforms.contains(&platform_id) {
            return Err(ApiError::new(
                "InvalidParameterValue.InvalidPlatformId",
                format!("Invalid platform ID: {}", excerpt(&platform_id)),
            ));
        }
        if !self.known_program(&mnp_id) {
            return Err(ApiError::new(
                "InvalidParameterValue.InvalidMNPId",
                format!("Invalid mini program ID: {}", excerpt(&mnp_id)),
            ));
        }
        Ok((mnp_id, platform_id))
    }

    fn describe(&self, body: &Value) -> Result<Map<String, Value>, ApiError> {
        let (mnp_id, _) = self.check_ids(body)?;
        let data: Vec<Value> = self
            .versions
            .iter()
            .filter(|v| v.get("MNPId").and_then(Value::as_str) == Some(mnp_id.as_str()))
            .cloned()
            .map(Value::Object)
            .collect();
        let mut out = Map::new();
        out.insert("Data".to_owned(), Value::Array(data));
        Ok(out)
    }

    fn create(&mut self, body: &Value) -> Result<Map<String, Value>, ApiError> {
        let (mnp_id, _) = self.check_ids(body)?;
        let version = str_param(body, "MNPVersion");
        let intro = str_param(body, "MNPVersionIntro");
        let file_url = str_param(body, "FileUrl");
        let parts: Vec<&str> = version.split('.').collect();
        if parts.len() != 3
            || parts
                .iter()
                .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(ApiError::new(
                "InvalidParameterValue.InvalidMNPVersion",
                format!("Invalid mini program version number: {}", excerpt(&version)),
            ));
        }
        if intro.trim().is_empty() || intro.chars().count() > 200 {
            return Err(ApiError::new(
                "InvalidParameterValue.InvalidMNPVersionIntro",
                "The mini program version introduction is empty or is too long.",
            ));
        }
        if !(file_url.starts_with("http://") || file_url.starts_with("https://")) {
            return Err(ApiError::new(
                "FailedOperation.FileDownloadFailed",
                "Failed to download the mini program file",
            ));
        }
        let created = self.created.get(&mnp_id).copied().unwrap_or(0);
        if created >= self.max_versions {
            // The service's common code for a quota (`LimitExceeded`), not
            // `FailedOperation`: nothing failed, the account is at a limit.
            return Err(ApiError::new(
                "LimitExceeded",
                format!(
                    "The mini program {mnp_id} already has the maximum of {} versions.",
                    self.max_versions
                ),
            ));
        }
        let template = self
            .versions
            .iter()
            .find(|v| v.get("MNPId").and_then(Value::as_str) == Some(mnp_id.as_str()))
            .cloned()
            .unwrap_or_default();
        let next_id = self
            .versions
            .iter()
            .filter_map(|v| v.get("MNPVersionId").and_then(Value::as_i64))
            .max()
            .unwrap_or(0)
            + 1;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut v = template;
        for (k, val) in [
            ("MNPVersionId", json!(next_id)),
            ("MNPVersion", json!(version)),
            ("MNPVersionIntro", json!(intro)),
            ("CreateUser", json!("mock")),
            ("CreateTime", json!(now.to_string())),
            ("Phase", json!("Develop")),
            ("ApprovalNo", json!("")),
            ("ApprovalStatus", json!(0)),
            ("VersionCurrentStatus", json!(0)),
            ("ShowCase", json!(0)),
            ("RollbackVersion", json!(0)),
            ("Status", json!(1)),
        ] {
            v.insert(k.to_owned(), val);
        }
        self.versions.push(v);
        *self.created.entry(mnp_id).or_default() += 1;
        let task = format!("{now}{:05}", self.next_task);
        self.next_task += 1;
        let mut out = Map::new();
        out.insert("Data".to_owned(), json!({ "TaskId": task }));
        Ok(out)
    }
}

impl Store {
    /// How many versions it holds, seeded ones included.
    pub(crate) fn len(&self) -> usize {
        self.versions.len()
    }
}

fn str_param(body: &Value, name: &str) -> String {
    body.get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
