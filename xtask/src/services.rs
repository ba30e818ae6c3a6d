//! `spec/services.json`: the services this workspace generates, and where
//! each one's files are. Every path follows from a service's name, version
//! folder and crate, so adding a service is one registry entry.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

pub const REGISTRY: &str = "spec/services.json";
pub const CLI_PACKAGE: &str = "tccli-intl-en";
pub const SDK_PACKAGE: &str = "tencentcloud-sdk-python-intl-en";

/// One registered service.
#[derive(Clone, Debug)]
pub struct Service {
    /// As tccli names it (`tcmpp`): the folder in Tencent's packages.
    pub name: String,
    /// The version folder (`v20240801`).
    pub version: String,
    /// The crate generated for it (`tcmpp-api`).
    pub krate: String,
}

impl Service {
    pub fn api(&self, root: &Path) -> PathBuf {
        self.upstream(root, CLI_PACKAGE).join("api.json")
    }
    pub fn errors(&self, root: &Path) -> PathBuf {
        self.upstream(root, SDK_PACKAGE).join("errorcodes.py")
    }
    pub fn curated(&self, root: &Path) -> PathBuf {
        root.join(format!("spec/curated/{}.json", self.name))
    }
    pub fn spec(&self, root: &Path) -> PathBuf {
        root.join(format!("spec/{}.json", self.name))
    }
    pub fn generated(&self, root: &Path) -> PathBuf {
        root.join(&self.krate).join("src/generated")
    }
    fn upstream(&self, root: &Path, package: &str) -> PathBuf {
        root.join("spec/upstream")
            .join(package)
            .join(&self.name)
            .join(&self.version)
    }
}

/// The registered services, in the registry's order.
pub fn read(root: &Path) -> Result<Vec<Service>, String> {
    let path = root.join(REGISTRY);
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{REGISTRY}: {e}"))
}

/// Reads the registry's text; errors name the JSON path.
pub fn parse(text: &str) -> Result<Vec<Service>, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let list = doc
        .get("services")
        .and_then(Value::as_array)
        .ok_or("services: expected a list")?;
    let mut out: Vec<Service> = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let field = |key: &str| {
            entry
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("services[{i}].{key}: expected a string"))
        };
        let s = Service {
            name: field("name")?,
            version: field("version")?,
            krate: field("crate")?,
        };
        check_name(&s.name).map_err(|e| format!("services[{i}].name: {e}"))?;
        check_version(&s.version).map_err(|e| format!("services[{i}].version: {e}"))?;
        check_crate(&s.krate).map_err(|e| format!("services[{i}].crate: {e}"))?;
        if out.iter().any(|o| o.name == s.name) {
            return Err(format!(
                "services[{i}].name: \"{}\" is listed twice",
                s.name
            ));
        }
        if out.iter().any(|o| o.krate == s.krate) {
            return Err(format!(
                "services[{i}].crate: \"{}\" is listed twice",
                s.krate
            ));
        }
        out.push(s);
    }
    Ok(out)
}

/// The one named, or an error listing those there are.
pub fn find<'a>(services: &'a [Service], name: &str) -> Result<&'a Service, String> {
    services.iter().find(|s| s.name == name).ok_or_else(|| {
        let known: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
        format!(
            "no service \"{name}\" in {REGISTRY} (there are: {})",
            known.join(", ")
        )
    })
}

/// A service as tccli names its folder: lowercase letters and digits.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "\"{name}\" is not a service name (lowercase letters and digits, as tccli's folders)"
        ))
    }
}

/// A version folder: `v` and eight digits (`v20250106`).
pub fn check_version(version: &str) -> Result<(), String> {
    let digits = version.strip_prefix('v').unwrap_or("");
    if digits.len() == 8 && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!(
            "\"{version}\" is not a version folder (v and eight digits, e.g. v20250106)"
        ))
    }
}

/// A crate name cargo takes: lowercase letters, digits and `-`.
pub fn check_crate(name: &str) -> Result<(), String> {
    let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "\"{name}\" is not a crate name (lowercase letters, digits and -)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_names_what_is_wrong_where() {
        let one =
            r#"{"services": [{"name": "tcmpp", "version": "v20240801", "crate": "tcmpp-api"}]}"#;
        let Ok(s) = parse(one) else {
            panic!("a good registry was refused")
        };
        assert_eq!(s.len(), 1);
        assert_eq!(
            s[0].api(Path::new("/w")),
            Path::new("/w/spec/upstream/tccli-intl-en/tcmpp/v20240801/api.json")
        );
        assert_eq!(
            s[0].generated(Path::new("/w")),
            Path::new("/w/tcmpp-api/src/generated")
        );
        for (text, error) in [
            ("{}", "services: expected a list"),
            (
                r#"{"services": [{}]}"#,
                "services[0].name: expected a string",
            ),
            (
                r#"{"services": [{"name": "TC", "version": "v20240801", "crate": "a"}]}"#,
                "services[0].name: \"TC\" is not a service name",
            ),
            (
                r#"{"services": [{"name": "tc", "version": "2024-08-01", "crate": "a"}]}"#,
                "services[0].version: \"2024-08-01\" is not a version folder",
            ),
            (
                r#"{"services": [{"name": "a", "version": "v20240801", "crate": "x"},
                                 {"name": "a", "version": "v20240801", "crate": "y"}]}"#,
                "services[1].name: \"a\" is listed twice",
            ),
        ] {
            match parse(text) {
                Err(e) => assert!(e.starts_with(error), "{e}"),
                Ok(_) => panic!("{text} was accepted"),
            }
        }
    }
}
