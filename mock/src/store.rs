//! Mini program versions, for the services whose `DescribeMNPAllStageVersions`
//! and `CreateMNPVersion` keep state ([`flavor`] says which): seeded from the
//! service's own examples and grown by `CreateMNPVersion`, for the programs
//! the examples name and those the `MNP` family holds (`CreateMNP`). What the services
//! share is here once; what differs is a [`Flavor`].

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use super::examples::Examples;
use super::verify::{ApiError, excerpt};

pub(crate) const DESCRIBE: &str = "DescribeMNPAllStageVersions";
pub(crate) const CREATE: &str = "CreateMNPVersion";

/// What one service's `CreateMNPVersion` takes beyond the five members every
/// one takes (`MNPId`, `PlatformId`, `MNPVersion`, `MNPVersionIntro`,
/// `FileUrl`): each optional member's rule for its value. Their types are
/// the operations table's to check.
pub(crate) struct Flavor {
    extra: &'static [(&'static str, Rule)],
}

/// What an optional member's value must be.
enum Rule {
    /// One of these integers (a value set).
    OneOf(&'static [i64], &'static str),
    /// An `http(s)://` URL the service downloads from.
    Url,
    /// Text that is not blank.
    NotBlank,
    /// Any text: nothing documents a form for it.
    Text,
}

/// The services whose two version actions keep state, and how each differs:
/// the one place that decides it (any other service, and these services'
/// other actions, answer with their examples).
pub(crate) fn flavor(service: &str) -> Option<&'static Flavor> {
    const TCMPP: Flavor = Flavor { extra: &[] };
    // spec/tcsas.json: `VersionType` is the value set `MNPVersionType`.
    const TCSAS: Flavor = Flavor {
        extra: &[
            (
                "VersionType",
                Rule::OneOf(&[1, 2], "1 (debug version) or 2 (development version)"),
            ),
            ("CompileCondition", Rule::Text),
            ("CompileConfig", Rule::Text),
            ("PipelineId", Rule::NotBlank),
            ("FileInnerUrl", Rule::Url),
        ],
    };
    match service {
        "tcmpp" => Some(&TCMPP),
        "tcsas" => Some(&TCSAS),
        _ => None,
    }
}

/// One service's versions.
pub(crate) struct Versions {
    flavor: &'static Flavor,
    /// Versions as wire objects, in creation order.
    versions: Vec<Map<String, Value>>,
    /// Platforms that exist (from the examples).
    platforms: Vec<String>,
    /// Mini programs that exist (from the examples).
    programs: Vec<String>,
    next_task: u64,
    /// Created versions a mini program may hold (the seed's do not count).
    max_versions: usize,
    /// Versions created so far, per mini program.
    created: std::collections::HashMap<String, usize>,
}

fn push_new(list: &mut Vec<String>, value: Option<&str>) {
    if let Some(v) = value.filter(|v| !list.iter().any(|have| have == v)) {
        list.push(v.to_owned());
    }
}

impl Versions {
    /// The versions `DescribeMNPAllStageVersions`'s example lists; the
    /// platforms and programs both actions' examples name exist (TCSAS's
    /// examples name two different programs).
    pub(crate) fn seeded(examples: &Examples, flavor: &'static Flavor, max: usize) -> Self {
        let versions: Vec<Map<String, Value>> = examples
            .at(DESCRIBE, "Data")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.as_object().cloned())
            .collect();
        let (mut platforms, mut programs) = (Vec::new(), Vec::new());
        for v in &versions {
            push_new(&mut programs, v.get("MNPId").and_then(Value::as_str));
        }
        for action in [DESCRIBE, CREATE] {
            let request = examples.request(action);
            push_new(
                &mut platforms,
                request.and_then(|r| r["PlatformId"].as_str()),
            );
            push_new(&mut programs, request.and_then(|r| r["MNPId"].as_str()));
        }
        Versions {
            flavor,
            versions,
            platforms,
            programs,
            next_task: 1,
            max_versions: max,
            created: std::collections::HashMap::new(),
        }
    }

    /// Answers one of the two actions (`None` for any other): the
    /// `Response` members without `RequestId`.
    /// `created` says whether a mini program was created since (by the
    /// service's `CreateMNP`): it has versions too.
    pub(crate) fn handle(
        &mut self,
        action: &str,
        body: &Value,
        created: &dyn Fn(&str) -> bool,
    ) -> Option<Result<Map<String, Value>, ApiError>> {
        match action {
            DESCRIBE => Some(self.describe(body, created)),
            CREATE => Some(self.create(body, created)),
            _ => None,
        }
    }

    /// How many versions it holds, seeded ones included.
    pub(crate) fn len(&self) -> usize {
        self.versions.len()
    }

    fn check_ids(
        &self,
        body: &Value,
        created: &dyn Fn(&str) -> bool,
    ) -> Result<(String, String), ApiError> {
        let mnp_id = str_param(body, "MNPId");
        let platform_id = str_param(body, "PlatformId");
        if !self.platforms.contains(&platform_id) {
            return Err(ApiError::new(
                "InvalidParameterValue.InvalidPlatformId",
                format!("Invalid platform ID: {}", excerpt(&platform_id)),
            ));
        }
        if !self.programs.contains(&mnp_id) && !created(&mnp_id) {
            return Err(ApiError::new(
                "InvalidParameterValue.InvalidMNPId",
                format!("Invalid mini program ID: {}", excerpt(&mnp_id)),
            ));
        }
        Ok((mnp_id, platform_id))
    }

    fn of_program<'a>(&'a self, mnp_id: &'a str) -> impl Iterator<Item = &'a Map<String, Value>> {
        self.versions
            .iter()
            .filter(move |v| v.get("MNPId").and_then(Value::as_str) == Some(mnp_id))
    }

    fn describe(
        &self,
        body: &Value,
        created: &dyn Fn(&str) -> bool,
    ) -> Result<Map<String, Value>, ApiError> {
        let (mnp_id, _) = self.check_ids(body, created)?;
        let data: Vec<Value> = self
            .of_program(&mnp_id)
            .cloned()
            .map(Value::Object)
            .collect();
        let mut out = Map::new();
        out.insert("Data".to_owned(), Value::Array(data));
        Ok(out)
    }

    /// The flavor's members, each by its rule.
    fn check_extra(&self, body: &Value) -> Result<(), ApiError> {
        for (name, rule) in self.flavor.extra {
            let Some(value) = body.get(*name).filter(|v| !v.is_null()) else {
                continue;
            };
            let text = value.as_str().unwrap_or_default();
            match rule {
                Rule::OneOf(allowed, said) => {
                    if !value.as_i64().is_some_and(|n| allowed.contains(&n)) {
                        return Err(ApiError::new(
                            "InvalidParameterValue",
                            format!(
                                "The parameter `{name}` must be {said}, not {}.",
                                excerpt(&value.to_string())
                            ),
                        ));
                    }
                }
                Rule::Url if !is_url(text) => {
                    return Err(ApiError::new(
                        "FailedOperation.FileDownloadFailed",
                        format!(
                            "Failed to download the mini program file: `{name}` is not an \
                             http(s) URL: {}",
                            excerpt(text)
                        ),
                    ));
                }
                Rule::NotBlank if text.trim().is_empty() => {
                    return Err(ApiError::new(
                        "InvalidParameterValue",
                        format!("The parameter `{name}` is empty."),
                    ));
                }
                Rule::Url | Rule::NotBlank | Rule::Text => {}
            }
        }
        Ok(())
    }

    fn create(
        &mut self,
        body: &Value,
        created: &dyn Fn(&str) -> bool,
    ) -> Result<Map<String, Value>, ApiError> {
        let (mnp_id, _) = self.check_ids(body, created)?;
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
        if !is_url(&file_url) {
            return Err(ApiError::new(
                "FailedOperation.FileDownloadFailed",
                "Failed to download the mini program file",
            ));
        }
        self.check_extra(body)?;
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
        // A program the examples name without listing a version starts bare.
        let mut v = self.of_program(&mnp_id).next().cloned().unwrap_or_default();
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
        for (k, val) in [
            ("MNPId", json!(mnp_id)),
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
        // Both services answer `Data.TaskId` (spec/tcmpp.json, spec/tcsas.json).
        let mut out = Map::new();
        out.insert("Data".to_owned(), json!({ "TaskId": task }));
        Ok(out)
    }
}

fn is_url(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://")
}

fn str_param(body: &Value, name: &str) -> String {
    body.get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
