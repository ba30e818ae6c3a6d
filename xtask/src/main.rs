//! Maintainer tasks: `cargo xtask codegen`, `cargo xtask import` and
//! `cargo xtask new-service`.

mod import;
mod new_service;
mod services;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::{env, fs};

use services::Service;

const USAGE: &str = "\
usage: cargo xtask [--root DIR] TASK ...
       cargo xtask codegen [--check] [--service NAME] [--spec PATH] [--out DIR] [--crate NAME]
       cargo xtask import [--check] [--service NAME] [--api PATH] [--examples PATH]
                          [--errors PATH] [--curated PATH | --no-curated] [--spec PATH]
       cargo xtask new-service NAME VERSION [--crate CRATE]

  Every task works on each service of spec/services.json in turn, or on the
  one --service names. The path options override one service's paths (the
  named one, else the first registered): for drafts and other services.

  --root DIR       the workspace to work on (default: this one), for tests
                   that run the tasks on a workspace of their own

  codegen          regenerate <crate>/src/generated from spec/<service>.json
    --check        write nothing; fail if the committed files differ
    --service NAME only this service
    --spec PATH    read another spec
    --out DIR      write to another folder
    --crate NAME   the crate the code is for, as doc examples name it; every
                   service crate is generated the same way, over
                   tencentcloud-runtime

  import           rebuild spec/<service>.json from Tencent's published files
                   in spec/upstream/ and our facts in spec/curated/<service>.json,
                   and report what changed (breaking changes marked)
    --check        write nothing; fail if a spec is not what importing the
                   committed files gives
    --service NAME only this service
    --api PATH     api.json (default: spec/upstream/tccli-intl-en/<service>/<version>/api.json)
    --examples PATH  examples.json (default: beside the api.json)
    --errors PATH  errorcodes.py (default:
                   spec/upstream/tencentcloud-sdk-python-intl-en/<service>/<version>/errorcodes.py)
    --curated PATH curated facts (default: spec/curated/<service>.json)
    --no-curated   none: for other services' descriptions
    --spec PATH    the spec to write (default: spec/<service>.json)

  new-service NAME VERSION
                   register a service as tccli names it (sts) and its version
                   folder (v20180813) in spec/services.json, write
                   spec/curated/NAME.json, create its crate and add it to the
                   workspace; prints the next steps (README.md, \"Adding a
                   service\"). Refuses, writing nothing, a service or crate
                   already there
    --crate CRATE  the crate's name (default: NAME-api)";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let mut argv = env::args().skip(1).peekable();
    let root = if argv.next_if(|a| a == "--root").is_some() {
        PathBuf::from(argv.next().ok_or("--root needs a folder")?)
    } else {
        workspace_root()
    };
    match argv.next().as_deref() {
        Some("codegen") => codegen_command(&root, argv),
        Some("import") => import_command(&root, argv),
        Some("new-service") => new_service::command(&root, argv).map(|()| ExitCode::SUCCESS),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => Err(format!("unknown task \"{other}\"\n\n{USAGE}")),
        None => Err(USAGE.to_owned()),
    }
}

/// The services a task runs on: `--service NAME`, the first when a path is
/// overridden, else all.
fn chosen(root: &Path, name: Option<&str>, overridden: bool) -> Result<Vec<Service>, String> {
    let all = services::read(root)?;
    match name {
        Some(n) => Ok(vec![services::find(&all, n)?.clone()]),
        None if overridden => all
            .into_iter()
            .next()
            .map(|s| vec![s])
            .ok_or_else(|| format!("{} lists no service", services::REGISTRY)),
        None => Ok(all),
    }
}

/// Runs `task` for each service, all of them even when one fails.
fn each(
    services: &[Service],
    mut task: impl FnMut(&Service) -> Result<ExitCode, String>,
) -> Result<ExitCode, String> {
    let mut failed = Vec::new();
    for s in services {
        if services.len() > 1 {
            println!("== {} ({}, {})", s.name, s.version, s.krate);
        }
        match task(s) {
            Ok(ExitCode::SUCCESS) => {}
            Ok(_) => failed.push(s.name.clone()),
            Err(e) if services.len() == 1 => return Err(e),
            Err(e) => {
                eprintln!("error: {}: {e}", s.name);
                failed.push(s.name.clone());
            }
        }
    }
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

struct CodegenArgs {
    check: bool,
    krate: String,
    spec: PathBuf,
    out: PathBuf,
}

fn codegen_command(
    root: &Path,
    mut argv: impl Iterator<Item = String>,
) -> Result<ExitCode, String> {
    let mut check = false;
    let (mut service, mut krate, mut spec, mut out) = (None, None, None, None);
    while let Some(a) = argv.next() {
        match a.as_str() {
            "--check" => check = true,
            "--service" => service = Some(argv.next().ok_or("--service needs a name")?),
            "--crate" => krate = Some(argv.next().ok_or("--crate needs a name")?),
            "--spec" => spec = Some(PathBuf::from(argv.next().ok_or("--spec needs a path")?)),
            "--out" => out = Some(PathBuf::from(argv.next().ok_or("--out needs a folder")?)),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument \"{other}\"\n\n{USAGE}")),
        }
    }
    let overridden = krate.is_some() || spec.is_some() || out.is_some();
    let services = chosen(root, service.as_deref(), overridden)?;
    each(&services, |s| {
        let args = CodegenArgs {
            check,
            krate: krate.clone().unwrap_or_else(|| s.krate.clone()),
            spec: spec.clone().unwrap_or_else(|| s.spec(root)),
            out: out.clone().unwrap_or_else(|| s.generated(root)),
        };
        codegen_task(root, &args)
    })
}

fn codegen_task(root: &Path, args: &CodegenArgs) -> Result<ExitCode, String> {
    let text = fs::read_to_string(&args.spec)
        .map_err(|e| format!("cannot read spec {}: {e}", args.spec.display()))?;
    // The preamble names the spec relative to the workspace, or by file name
    // when it lives elsewhere, so output never depends on where a checkout is.
    let spec = fs::canonicalize(&args.spec).unwrap_or_else(|_| args.spec.clone());
    let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let label = match spec.strip_prefix(&root) {
        Ok(rel) => rel.display().to_string(),
        Err(_) => spec
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
    };
    let options = codegen::Options {
        spec_label: label.clone(),
        doctest_crate: Some(args.krate.replace('-', "_")),
    };
    let files = codegen::generate(&text, &options).map_err(|e| format!("{label}: {e}"))?;

    let existing = existing_rs_files(&args.out)?;
    let wanted: BTreeSet<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let stale: Vec<&str> = files
        .iter()
        .filter(|f| {
            fs::read_to_string(args.out.join(&f.name)).ok().as_deref() != Some(f.contents.as_str())
        })
        .map(|f| f.name.as_str())
        .collect();
    let extra: Vec<&String> = existing
        .iter()
        .filter(|n| !wanted.contains(n.as_str()))
        .collect();

    if args.check {
        if stale.is_empty() && extra.is_empty() {
            println!("{}: up to date ({} files)", args.out.display(), files.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("{} is stale against {label}:", args.out.display());
        for n in &stale {
            eprintln!("  differs: {n}");
        }
        for n in &extra {
            eprintln!("  not generated any more: {n}");
        }
        eprintln!("run `{}` and commit the result", codegen::REGENERATE);
        return Ok(ExitCode::FAILURE);
    }

    for f in files.iter().filter(|f| stale.contains(&f.name.as_str())) {
        let path = args.out.join(&f.name);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        fs::write(&path, &f.contents)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    for n in extra {
        let path = args.out.join(n);
        fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        println!("removed {}", path.display());
    }
    println!(
        "{}: {} files, {} changed",
        args.out.display(),
        files.len(),
        stale.len()
    );
    Ok(ExitCode::SUCCESS)
}

struct ImportArgs {
    check: bool,
    api: PathBuf,
    examples: PathBuf,
    errors: PathBuf,
    curated: Option<PathBuf>,
    spec: PathBuf,
}

fn import_command(root: &Path, mut argv: impl Iterator<Item = String>) -> Result<ExitCode, String> {
    let mut check = false;
    let mut service = None;
    let (mut api, mut examples, mut errors, mut spec) = (None, None, None, None);
    // `Some(None)`: --no-curated.
    let mut curated: Option<Option<PathBuf>> = None;
    while let Some(a) = argv.next() {
        let mut path = |flag: &str| {
            argv.next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("{flag} needs a path"))
        };
        match a.as_str() {
            "--check" => check = true,
            "--service" => {
                service = Some(path("--service")?.to_string_lossy().into_owned());
            }
            "--api" => api = Some(path("--api")?),
            "--examples" => examples = Some(path("--examples")?),
            "--errors" => errors = Some(path("--errors")?),
            "--curated" => curated = Some(Some(path("--curated")?)),
            "--no-curated" => curated = Some(None),
            "--spec" => spec = Some(path("--spec")?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument \"{other}\"\n\n{USAGE}")),
        }
    }
    let overridden = api.is_some()
        || examples.is_some()
        || errors.is_some()
        || curated.is_some()
        || spec.is_some();
    let services = chosen(root, service.as_deref(), overridden)?;
    each(&services, |s| {
        let api = api.clone().unwrap_or_else(|| s.api(root));
        let args = ImportArgs {
            check,
            examples: examples
                .clone()
                .unwrap_or_else(|| api.with_file_name("examples.json")),
            api,
            errors: errors.clone().unwrap_or_else(|| s.errors(root)),
            curated: curated.clone().unwrap_or_else(|| Some(s.curated(root))),
            spec: spec.clone().unwrap_or_else(|| s.spec(root)),
        };
        import_task(&args)
    })
}

fn import_task(args: &ImportArgs) -> Result<ExitCode, String> {
    let read =
        |p: &Path| fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let json = |p: &Path| -> Result<serde_json::Value, String> {
        serde_json::from_str(&read(p)?).map_err(|e| format!("{}: {e}", p.display()))
    };
    let up = import::Upstream {
        api: json(&args.api)?,
        examples: json(&args.examples)?,
        errors: import::parse_error_codes(&read(&args.errors)?)
            .map_err(|e| format!("{}: {e}", args.errors.display()))?,
    };
    let curated = args.curated.as_deref().map(json).transpose()?;
    let (spec, notes) = import::build(&up, curated.as_ref())?;
    let new_text = import::to_text(&spec);
    let old_text = fs::read_to_string(&args.spec).ok();
    let old = old_text
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(serde_json::Value::Null);
    let changes = import::changes(&old, &spec);
    let actions = spec["actions"].as_object().map_or(0, |a| a.len());
    let objects = spec["objects"].as_object().map_or(0, |o| o.len());
    println!(
        "import: {actions} actions, {objects} objects, {} service error codes",
        spec["service_errors"].as_array().map_or(0, Vec::len)
    );
    if !notes.lines.is_empty() {
        println!("notes on upstream ({}):", notes.lines.len());
        for n in &notes.lines {
            println!("  {n}");
        }
    }
    for s in &notes.summary {
        println!("{s}");
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    if changes.is_empty() {
        println!("no changes against {}", args.spec.display());
    } else {
        println!(
            "changes against {} ({} breaking):",
            args.spec.display(),
            breaking
        );
        for c in &changes {
            let mark = if c.breaking { "BREAKING " } else { "" };
            println!("  {mark}{}", c.what);
        }
    }
    let same = old_text.as_deref() == Some(new_text.as_str());
    if args.check {
        if same {
            println!("{}: up to date", args.spec.display());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "{} is not what importing the committed upstream files gives: run `cargo xtask import` and commit the result",
            args.spec.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    if !same {
        fs::write(&args.spec, new_text)
            .map_err(|e| format!("cannot write {}: {e}", args.spec.display()))?;
        println!("wrote {}", args.spec.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The `.rs` files already in the output folder and its subfolders, as
/// `/`-separated relative names (none if it does not exist).
fn existing_rs_files(dir: &Path) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = pending.pop() {
        let entries = match fs::read_dir(&folder) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot read {}: {e}", folder.display())),
        };
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot read {}: {e}", folder.display()))?;
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir {
                pending.push((entry.path(), format!("{name}/")));
            } else if name.ends_with(".rs") {
                names.push(name);
            }
        }
    }
    names.sort();
    Ok(names)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
