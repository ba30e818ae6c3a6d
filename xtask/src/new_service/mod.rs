//! `cargo xtask new-service NAME VERSION [--crate CRATE]`: registers a
//! service and creates its crate, so the rest of the maintainers' guide
//! (README.md, "Adding a service") is the commands every service uses.
//!
//! Everything is checked and every file's contents made before the first
//! is written: a refusal writes nothing.

mod edit;

use std::fs;
use std::path::{Path, PathBuf};

use crate::services::{self, REGISTRY, Service};

/// The files a new crate starts with (its LICENSE is the workspace's);
/// `{{key}}` is filled in by [`fill`].
const CRATE_TEMPLATES: [(&str, &str); 3] = [
    ("Cargo.toml", include_str!("../../templates/Cargo.toml.in")),
    ("src/lib.rs", include_str!("../../templates/lib.rs.in")),
    ("README.md", include_str!("../../templates/README.md.in")),
];
/// `spec/curated/NAME.json`.
const CURATED_TEMPLATE: &str = include_str!("../../templates/curated.json.in");

const USAGE: &str = "usage: cargo xtask new-service NAME VERSION [--crate CRATE]";

pub fn command(root: &Path, mut argv: impl Iterator<Item = String>) -> Result<(), String> {
    let mut positional = Vec::new();
    let mut krate = None;
    while let Some(a) = argv.next() {
        match a.as_str() {
            "--crate" => krate = Some(argv.next().ok_or("--crate needs a name")?),
            "-h" | "--help" => {
                println!("{USAGE}\n(cargo xtask --help says more)");
                return Ok(());
            }
            flag if flag.starts_with('-') => {
                return Err(format!("unknown argument \"{flag}\"\n{USAGE}"));
            }
            _ => positional.push(a),
        }
    }
    let [name, version] = <[String; 2]>::try_from(positional).map_err(|got| {
        format!(
            "new-service takes a NAME and a VERSION, got {} argument(s)\n{USAGE}",
            got.len()
        )
    })?;
    let krate = krate.unwrap_or_else(|| format!("{name}-api"));
    let service = Service {
        name,
        version,
        krate,
    };
    let plan = plan(root, &service)?;
    plan.write()?;
    println!(
        "added service {} ({}) as crate {}:",
        service.name, service.version, service.krate
    );
    for (path, _) in &plan.files {
        println!("  wrote {}", rel(root, path));
    }
    println!("{}", next_steps(root, &service));
    Ok(())
}

/// What a new service writes: every file with its new contents.
struct Plan {
    /// The crate folder, created first (never one that exists).
    dir: PathBuf,
    files: Vec<(PathBuf, String)>,
}

impl Plan {
    fn write(&self) -> Result<(), String> {
        fs::create_dir(&self.dir)
            .map_err(|e| format!("cannot create {}: {e}", self.dir.display()))?;
        let mut written = Vec::new();
        for (path, text) in &self.files {
            let result = path
                .parent()
                .map_or(Ok(()), fs::create_dir_all)
                .and_then(|()| fs::write(path, text));
            if let Err(e) = result {
                return Err(format!(
                    "cannot write {}: {e} (written before it: {})",
                    path.display(),
                    written.join(", ")
                ));
            }
            written.push(path.display().to_string());
        }
        Ok(())
    }
}

fn plan(root: &Path, s: &Service) -> Result<Plan, String> {
    let problems: Vec<String> = [
        services::check_name(&s.name).err(),
        services::check_version(&s.version).err(),
        services::check_crate(&s.krate).err(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !problems.is_empty() {
        return Err(format!("nothing written: {}", problems.join("; ")));
    }
    let refuse = |why: String| format!("nothing written: {why}");

    let registered = services::read(root)?;
    if let Some(o) = registered.iter().find(|o| o.name == s.name) {
        return Err(refuse(format!(
            "service \"{}\" is already in {REGISTRY} ({}, crate {})",
            s.name, o.version, o.krate
        )));
    }
    if let Some(o) = registered.iter().find(|o| o.krate == s.krate) {
        return Err(refuse(format!(
            "crate \"{}\" is already in {REGISTRY}, for service \"{}\" (choose another with --crate)",
            s.krate, o.name
        )));
    }
    let dir = root.join(&s.krate);
    if dir.exists() {
        return Err(refuse(format!(
            "{} already exists (remove it, or choose another crate with --crate)",
            dir.display()
        )));
    }
    let curated = s.curated(root);
    if curated.exists() {
        return Err(refuse(format!(
            "{} already exists (a curated overlay of an earlier attempt? move it away first)",
            curated.display()
        )));
    }

    let read =
        |p: &Path| fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let registry_path = root.join(REGISTRY);
    let registry = read(&registry_path)?;
    let entry = format!(
        "{{ \"name\": {}, \"version\": {}, \"crate\": {} }}",
        json_str(&s.name),
        json_str(&s.version),
        json_str(&s.krate)
    );
    let registry =
        edit::append_service(&registry, &entry).map_err(|e| format!("{REGISTRY}: {e}"))?;
    // The edit is checked as the tasks will read it.
    let listed =
        services::parse(&registry).map_err(|e| format!("{REGISTRY} after the edit: {e}"))?;
    if listed.last().is_none_or(|l| l.name != s.name) {
        return Err(format!("{REGISTRY}: the new entry did not end the list"));
    }

    let manifest_path = root.join("Cargo.toml");
    let manifest = read(&manifest_path)?;
    let crates: Vec<String> = registered.iter().map(|o| o.krate.clone()).collect();
    let in_manifest = |e: String| refuse(format!("Cargo.toml: {e}"));
    let manifest = edit::add_to_list(&manifest, "members", &s.krate, &crates)
        .map_err(in_manifest)?
        .ok_or_else(|| refuse("Cargo.toml has no [workspace] members list".to_owned()))?;
    let manifest = match edit::add_to_list(&manifest, "default-members", &s.krate, &crates)
        .map_err(in_manifest)?
    {
        Some(m) => m,
        None => manifest,
    };
    let dependency = format!(
        "{k} = {{ path = \"{k}\", version = \"0.1.0\" }}",
        k = s.krate
    );
    let manifest =
        edit::add_dependency(&manifest, &s.krate, &dependency, &crates).map_err(in_manifest)?;

    let license = read(&root.join("LICENSE"))?;
    let mut files = Vec::new();
    for (name, template) in CRATE_TEMPLATES {
        let text = fill(template, s).map_err(|e| format!("xtask/templates/{name}.in: {e}"))?;
        files.push((dir.join(name), text));
    }
    files.push((dir.join("LICENSE"), license));
    let overlay =
        fill(CURATED_TEMPLATE, s).map_err(|e| format!("xtask/templates/curated.json.in: {e}"))?;
    serde_json::from_str::<serde_json::Value>(&overlay)
        .map_err(|e| format!("xtask/templates/curated.json.in: not JSON once filled: {e}"))?;
    files.push((curated, overlay));
    files.push((registry_path, registry));
    files.push((manifest_path, manifest));
    Ok(Plan { dir, files })
}

/// `template` with every `{{key}}` replaced; a key it does not know is an
/// error, so a template cannot ship a placeholder unfilled.
fn fill(template: &str, s: &Service) -> Result<String, String> {
    // `v20180813` -> `2018-08-13` (the version is checked before).
    let v = &s.version;
    let date = match (v.get(1..5), v.get(5..7), v.get(7..9)) {
        (Some(y), Some(m), Some(d)) => format!("{y}-{m}-{d}"),
        _ => v.clone(),
    };
    let values = [
        ("name", s.name.clone()),
        ("NAME", s.name.to_uppercase()),
        ("version", s.version.clone()),
        ("date", date),
        ("crate", s.krate.clone()),
        ("crate_ident", s.krate.replace('-', "_")),
    ];
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or_else(|| {
            format!(
                "an unclosed {{{{ at byte {}",
                template.len() - rest.len() + open
            )
        })?;
        let key = &after[..close];
        let value = values
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
            .ok_or_else(|| format!("unknown placeholder {{{{{key}}}}}"))?;
        out.push_str(value);
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn json_str(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The guide's remaining steps for `s`: each command and what it does.
fn steps(root: &Path, s: &Service) -> [(String, String); 5] {
    // The versions already vendored, so the other services stay as they are.
    let pinned = fs::read_to_string(root.join("spec/upstream/SOURCES"))
        .ok()
        .and_then(|t| {
            let version = |package: &str| {
                t.lines()
                    .find_map(|l| l.strip_prefix(package)?.strip_prefix(' '))
                    .and_then(|rest| rest.split_whitespace().next())
                    .map(str::to_owned)
            };
            Some(format!(
                " {} {}",
                version(services::CLI_PACKAGE)?,
                version(services::SDK_PACKAGE)?
            ))
        })
        .unwrap_or_default();
    let (n, k) = (&s.name, &s.krate);
    [
        (
            format!("scripts/refresh-upstream.sh{pinned}"),
            "vendors Tencent's files of every registered service".to_owned(),
        ),
        (
            format!("$EDITOR spec/curated/{n}.json"),
            "title, endpoint, document: what upstream lacks (spec/README.md)".to_owned(),
        ),
        (
            format!("cargo xtask import --service {n}"),
            format!("writes spec/{n}.json: review its report"),
        ),
        (
            format!("cargo xtask codegen --service {n}"),
            format!("writes {k}/src/generated/"),
        ),
        (format!("cargo test -p {k}"), String::new()),
    ]
}

/// The steps, as new-service prints them.
fn next_steps(root: &Path, s: &Service) -> String {
    let k = &s.krate;
    let steps = steps(root, s);
    let width = steps.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
    let mut out = String::from("next (README.md, \"Adding a service\"):\n");
    for (command, why) in steps {
        let line = if why.is_empty() {
            command
        } else {
            format!("{command:width$}   # {why}")
        };
        out.push_str(&format!("  {line}\n"));
    }
    out.push_str(&format!(
        "then give {k}'s README.md and src/lib.rs an example with one of its actions,\n\
         and serve it from the test server and the program (README.md)"
    ));
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is a failed test

    use super::*;

    fn sts() -> Service {
        Service {
            name: "sts".to_owned(),
            version: "v20180813".to_owned(),
            krate: "sts-api".to_owned(),
        }
    }

    fn workspace() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .to_path_buf()
    }

    #[test]
    fn the_templates_fill_every_placeholder() {
        for (name, template) in CRATE_TEMPLATES
            .iter()
            .chain([&("curated", CURATED_TEMPLATE)])
        {
            let text = fill(template, &sts()).unwrap();
            assert!(!text.contains("{{") && !text.contains("}}"), "{name}");
        }
        let lib = fill(CRATE_TEMPLATES[1].1, &sts()).unwrap();
        assert!(lib.contains("use sts_api::Client;"));
        assert!(lib.contains("API, version 2018-08-13."));
        assert!(lib.contains("#[rustfmt::skip]"));
        let bad = Service {
            krate: "x".to_owned(),
            ..sts()
        };
        assert_eq!(
            fill("a {{nmae}} b", &bad).unwrap_err(),
            "unknown placeholder {{nmae}}"
        );
        assert!(
            fill("a {{name", &bad)
                .unwrap_err()
                .starts_with("an unclosed {{")
        );
    }

    /// The template's common codes are Tencent Cloud API 3.0's, as the
    /// registered services' overlays have them: one list, not drifting.
    #[test]
    fn the_curated_template_has_the_common_codes_of_the_others() {
        let curated: serde_json::Value =
            serde_json::from_str(&fill(CURATED_TEMPLATE, &sts()).unwrap()).unwrap();
        assert_eq!(
            curated["service"]["endpoint"],
            "sts.intl.tencentcloudapi.com"
        );
        let root = workspace();
        for s in services::read(&root).unwrap() {
            let theirs: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(s.curated(&root)).unwrap()).unwrap();
            assert_eq!(
                curated["common_errors"], theirs["common_errors"],
                "common_errors of xtask/templates/curated.json.in and spec/curated/{}.json differ",
                s.name
            );
        }
    }

    /// On the real workspace: the diff a new service makes to the registry
    /// and the root manifest is a few added lines and items.
    #[test]
    fn the_real_workspace_gets_a_small_diff() {
        let root = workspace();
        // STS is registered now: the next one.
        let cvm = Service {
            name: "cvm".to_owned(),
            version: "v20170312".to_owned(),
            krate: "cvm-api".to_owned(),
        };
        let plan = plan(&root, &cvm).unwrap();
        assert_eq!(plan.dir, root.join("cvm-api"));
        let new = |file: &str| {
            let path = root.join(file);
            plan.files
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, t)| t.clone())
                .unwrap()
        };
        let old_registry = fs::read_to_string(root.join(REGISTRY)).unwrap();
        let registry = new(REGISTRY);
        let added: Vec<&str> = registry
            .lines()
            .filter(|l| !old_registry.lines().any(|o| o == *l))
            .collect();
        let last = services::read(&root).unwrap().last().unwrap().clone();
        assert_eq!(
            added,
            [
                format!(
                    "    {{ \"name\": \"{}\", \"version\": \"{}\", \"crate\": \"{}\" }},",
                    last.name, last.version, last.krate
                )
                .as_str(),
                "    { \"name\": \"cvm\", \"version\": \"v20170312\", \"crate\": \"cvm-api\" }"
            ]
        );
        assert_eq!(registry.lines().count(), old_registry.lines().count() + 1);

        let old_manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let manifest = new("Cargo.toml");
        let changed: Vec<&str> = manifest
            .lines()
            .filter(|l| !old_manifest.lines().any(|o| o == *l))
            .collect();
        assert_eq!(changed.len(), 3, "{changed:?}");
        let after = format!("\"{}\", \"cvm-api\"", last.krate);
        assert!(changed[0].starts_with("members = [") && changed[0].contains(&after));
        assert!(changed[1].starts_with("default-members = [") && changed[1].contains(&after));
        assert_eq!(
            changed[2],
            "cvm-api = { path = \"cvm-api\", version = \"0.1.0\" }"
        );
        assert_eq!(manifest.lines().count(), old_manifest.lines().count() + 1);
    }

    #[test]
    fn the_next_steps_pin_the_vendored_versions() {
        let steps = next_steps(&workspace(), &sts());
        let sources = fs::read_to_string(workspace().join("spec/upstream/SOURCES")).unwrap();
        let cli = sources
            .lines()
            .find_map(|l| l.strip_prefix("tccli-intl-en "))
            .and_then(|r| r.split(' ').next())
            .unwrap();
        assert!(
            steps.contains(&format!("scripts/refresh-upstream.sh {cli} ")),
            "{steps}"
        );
        assert!(steps.contains("cargo xtask import --service sts "));
        assert!(steps.contains("cargo test -p sts-api"));
    }

    /// README.md's guide gives the commands new-service prints (its
    /// example is sts), so the two cannot drift apart.
    #[test]
    fn the_guide_gives_the_printed_commands() {
        let readme = fs::read_to_string(workspace().join("README.md")).unwrap();
        let guide = readme
            .split("\n## Adding a service\n")
            .nth(1)
            .and_then(|g| g.split("\n## ").next())
            .expect("README.md has a section \"Adding a service\"");
        let commands: Vec<&str> = guide
            .lines()
            .map(|l| l.split(" # ").next().unwrap_or(l).trim_end())
            .collect();
        let mut want = vec!["cargo xtask new-service sts v20180813".to_owned()];
        want.extend(steps(&workspace(), &sts()).map(|(c, _)| c));
        for command in &want {
            assert!(
                commands.contains(&command.as_str()),
                "README.md's \"Adding a service\" lacks the line `{command}`"
            );
        }
    }
}
