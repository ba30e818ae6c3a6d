//! Maintainer tasks. `cargo xtask codegen [--check] [--spec PATH] [--out DIR]`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::{env, fs};

const USAGE: &str = "\
usage: cargo xtask codegen [--check] [--spec PATH] [--out DIR]

  codegen          regenerate tcmpp-api/src/generated from spec/tcmpp.json
  --check          write nothing; fail if the committed files differ
  --spec PATH      read another spec (default: spec/tcmpp.json)
  --out DIR        write to another folder (default: tcmpp-api/src/generated)";

struct Args {
    check: bool,
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
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        Some(other) => return Err(format!("unknown task \"{other}\"\n\n{USAGE}")),
        None => return Err(USAGE.to_owned()),
    }
    let mut args = Args {
        check: false,
        spec: root.join("spec/tcmpp.json"),
        out: root.join("tcmpp-api/src/generated"),
    };
    while let Some(a) = argv.next() {
        match a.as_str() {
            "--check" => args.check = true,
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
        ..codegen::Options::default()
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

    fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    for f in files.iter().filter(|f| stale.contains(&f.name.as_str())) {
        let path = args.out.join(&f.name);
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

/// The `.rs` files already in the output folder (none if it does not exist).
fn existing_rs_files(dir: &Path) -> Result<Vec<String>, String> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".rs") {
            names.push(name);
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
