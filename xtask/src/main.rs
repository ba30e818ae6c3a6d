//! Maintainer tasks: `cargo xtask codegen` and `cargo xtask import`.

mod import;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::{env, fs};

const USAGE: &str = "\
usage: cargo xtask codegen [--check] [--spec PATH] [--out DIR] [--crate NAME]
       cargo xtask import [--check] [--api PATH] [--examples PATH] [--errors PATH]
                          [--curated PATH | --no-curated] [--spec PATH]

  codegen          regenerate tcmpp-api/src/generated from spec/tcmpp.json
    --check        write nothing; fail if the committed files differ
    --spec PATH    read another spec (default: spec/tcmpp.json)
    --out DIR      write to another folder (default: tcmpp-api/src/generated)
    --crate NAME   the crate the code is for, as doc examples name it
                   (default: tcmpp_api); every service crate is generated
                   the same way, over tencentcloud-runtime

  import           rebuild spec/tcmpp.json from Tencent's published files in
                   spec/upstream/ and our facts in spec/curated.json, and
                   report what changed (breaking changes marked)
    --check        write nothing; fail if spec/tcmpp.json is not what
                   importing the committed files gives
    --api PATH     api.json (default: spec/upstream/tccli-intl-en/api.json)
    --examples PATH  examples.json (default: beside the default api.json)
    --errors PATH  errorcodes.py (default:
                   spec/upstream/tencentcloud-sdk-python-intl-en/errorcodes.py)
    --curated PATH curated facts (default: spec/curated.json)
    --no-curated   none: for other services' descriptions
    --spec PATH    the spec to write (default: spec/tcmpp.json)";

struct Args {
    check: bool,
    krate: String,
    spec: PathBuf,
    out: PathBuf,
}

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
    let root = workspace_root();
    let mut argv = env::args().skip(1);
    match argv.next().as_deref() {
        Some("codegen") => {}
        Some("import") => return import_task(&root, argv),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        Some(other) => return Err(format!("unknown task \"{other}\"\n\n{USAGE}")),
        None => return Err(USAGE.to_owned()),
    }
    let mut args = Args {
        check: false,
        krate: "tcmpp_api".to_owned(),
        spec: root.join("spec/tcmpp.json"),
        out: root.join("tcmpp-api/src/generated"),
    };
    while let Some(a) = argv.next() {
        match a.as_str() {
            "--check" => args.check = true,
            "--crate" => args.krate = argv.next().ok_or("--crate needs a name")?,
            "--spec" => args.spec = PathBuf::from(argv.next().ok_or("--spec needs a path")?),
            "--out" => args.out = PathBuf::from(argv.next().ok_or("--out needs a folder")?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument \"{other}\"\n\n{USAGE}")),
        }
    }
    codegen_task(&root, &args)
}

fn codegen_task(root: &Path, args: &Args) -> Result<ExitCode, String> {
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

fn import_task(root: &Path, mut argv: impl Iterator<Item = String>) -> Result<ExitCode, String> {
    let upstream = root.join("spec/upstream");
    let mut args = ImportArgs {
        check: false,
        api: upstream.join("tccli-intl-en/api.json"),
        examples: upstream.join("tccli-intl-en/examples.json"),
        errors: upstream.join("tencentcloud-sdk-python-intl-en/errorcodes.py"),
        curated: Some(root.join("spec/curated.json")),
        spec: root.join("spec/tcmpp.json"),
    };
    let mut examples_given = false;
    while let Some(a) = argv.next() {
        let mut path = |flag: &str| {
            argv.next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("{flag} needs a path"))
        };
        match a.as_str() {
            "--check" => args.check = true,
            "--api" => args.api = path("--api")?,
            "--examples" => {
                args.examples = path("--examples")?;
                examples_given = true;
            }
            "--errors" => args.errors = path("--errors")?,
            "--curated" => args.curated = Some(path("--curated")?),
            "--no-curated" => args.curated = None,
            "--spec" => args.spec = path("--spec")?,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument \"{other}\"\n\n{USAGE}")),
        }
    }
    if !examples_given {
        args.examples = args.api.with_file_name("examples.json");
    }
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
