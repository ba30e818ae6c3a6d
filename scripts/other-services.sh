#!/usr/bin/env bash
# Other services: does the generator take what Tencent publishes beyond TCMPP?
#
#   scripts/other-services.sh                      # cvm csip vpc tke/v20180525
#   scripts/other-services.sh cwp teo tke/v20220501  # any services
#
# A service is named as in tccli (`tccli/services/<service>/`), optionally
# with its version folder (`tke/v20180525`); without one the newest is used.
#
# For the pinned releases (tccli-intl-en 3.1.193.1, tencentcloud-sdk-python-
# intl-en 3.1.193, downloaded with pip into target/other-services/ unless
# already there), and for each service:
#   1. `cargo xtask import --no-curated` of its api.json, examples.json and
#      errorcodes.py into target/other-services/<svc>/spec.json;
#   2. `cargo xtask codegen --crate other-<svc>` into a service crate
#      target/other-services/<svc>/crate/ generated exactly as tcmpp-api is,
#      depending on the runtime (tencentcloud-runtime, by path) only, with
#      its own `Client`, and an example that calls the first action without
#      required members in the fluent form (`client.describe_regions()
#      .send()` for cvm);
#   3. `cargo build --release --examples` of that crate, in the shared target
#      dir target/other-services/target (dependencies are built once, first,
#      so each service's build time and memory are its own crate's), and a
#      check that its `cargo tree` has no tcmpp-api.
# It records actions, objects, generated lines, lines per action, import +
# generation time, build time, peak memory of the build (`/usr/bin/time -v`:
# the largest process, rustc), the importer's notes (all of them; the
# example misfits among them: values or members of an upstream example that
# do not fit the description strictly read; and the examples and requests
# left out), and prints a Markdown table; logs are in each service's folder
# (import.log, codegen.log, build.log).
#
# Not run in CI: the default four generate ~750,000 lines and take about
# two minutes on 2 cores (csip's build alone ~35 s and 2 GB), and the first
# run needs the network. Needs pip and GNU time. A service whose build
# warns is "ok, N warnings". Exit status: the number of services that
# failed to import, generate or build (0 when all passed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

CLI_PACKAGE=tccli-intl-en
CLI_VERSION=3.1.193.1
SDK_PACKAGE=tencentcloud-sdk-python-intl-en
SDK_VERSION=3.1.193
DEFAULT_SERVICES=(cvm csip vpc tke/v20180525)

work=target/other-services
run_started=$(date +%s.%N)
die() { printf 'other-services: %s\n' "$*" >&2; exit 1; }
note() { printf 'other-services: %s\n' "$*" >&2; }

[[ -x /usr/bin/time ]] || die "needs GNU time at /usr/bin/time"
(($# > 0)) && services=("$@") || services=("${DEFAULT_SERVICES[@]}")

# --- the pinned packages -------------------------------------------------
mkdir -p "$work/packages"
fetch() { # package version unpack-dir
    local wheel
    wheel=$(ls "$work/packages/${1//-/_}-$2-"*.whl 2>/dev/null | head -n1 || true)
    if [[ -z $wheel ]]; then
        note "downloading $1 $2"
        python3 -m pip download --quiet --no-deps --only-binary=:all: \
            -d "$work/packages" "$1==$2"
        wheel=$(ls "$work/packages/${1//-/_}-$2-"*.whl | head -n1)
    fi
    if [[ ! -e $3/.unpacked ]]; then
        rm -rf "$3"
        mkdir -p "$3"
        python3 -m zipfile -e "$wheel" "$3"
        touch "$3/.unpacked"
    fi
}
fetch "$CLI_PACKAGE" "$CLI_VERSION" "$work/packages/cli"
fetch "$SDK_PACKAGE" "$SDK_VERSION" "$work/packages/sdk"

# --- the tools -----------------------------------------------------------
cargo build --quiet --package xtask
xtask() { cargo xtask "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# One crate per service, all in one target dir, depending on the same lock
# as the workspace so no version is resolved anew.
shared_target=$root/$work/target
write_crate() { # dir name
    mkdir -p "$1/src"
    cat > "$1/Cargo.toml" <<EOF
[package]
name = "$2"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
tencentcloud-runtime = { path = "$root/runtime" }

[dev-dependencies]
tokio = { version = "1", features = ["macros", "rt"] }

# Not a member of the tcmpp-api workspace around it.
[workspace]
EOF
    cp Cargo.lock "$1/Cargo.lock"
}

# Dependencies first, so that each service's figures are its own crate's.
deps=$work/deps
write_crate "$deps" other-services-deps
echo '//! Nothing: builds the runtime and its dependencies once.' > "$deps/src/lib.rs"
# With the examples' dev-dependencies, so tokio's features (and so the
# runtime) are the same as in each service's build below.
mkdir -p "$deps/examples"
echo 'fn main() {}' > "$deps/examples/nothing.rs"
note "building tencentcloud-runtime and its dependencies (release)"
(cd "$deps" && CARGO_TARGET_DIR=$shared_target cargo build --quiet --release --examples)

# --- each service --------------------------------------------------------
failed=0
rows=()
started=$(now)
for arg in "${services[@]}"; do
    svc=${arg%%/*}
    base=$work/packages/cli/tccli/services/$svc
    [[ -d $base ]] || { note "$svc: no such service in $CLI_PACKAGE"; failed=$((failed + 1)); continue; }
    if [[ $arg == */* ]]; then
        version=${arg#*/}
    else
        version=$(cd "$base" && ls -d v*/ | tr -d / | sort | tail -n1)
    fi
    api=$base/$version/api.json
    errors=$work/packages/sdk/tencentcloud/$svc/$version/errorcodes.py
    [[ -f $api ]] || { note "$arg: no $api"; failed=$((failed + 1)); continue; }
    out=$work/$svc
    crate=$out/crate
    rm -rf "$crate/src/generated"
    mkdir -p "$out"
    note "$svc $version: import and generate"

    status=ok
    t0=$(now)
    if ! xtask import --no-curated --api "$api" --examples "$base/$version/examples.json" \
        --errors "$errors" --spec "$out/spec.json" > "$out/import.log" 2>&1; then
        status="import failed"
    elif ! xtask codegen --crate "other-$svc" --spec "$out/spec.json" \
        --out "$crate/src/generated" > "$out/codegen.log" 2>&1; then
        status="codegen failed"
    fi
    t1=$(now)
    gen_time=$(elapsed "$t0" "$t1")

    actions=$(sed -n 's/^import: \([0-9]*\) actions, \([0-9]*\) objects.*/\1/p' "$out/import.log")
    objects=$(sed -n 's/^import: \([0-9]*\) actions, \([0-9]*\) objects.*/\2/p' "$out/import.log")
    notes=$(sed -n 's/^notes on upstream (\([0-9]*\)):$/\1/p' "$out/import.log")
    examples_out=$(grep -c 'example left out$' "$out/import.log" || true)
    requests_out=$(grep -c 'request left out$' "$out/import.log" || true)
    # One per value or member, though the importer and the generator may both note it.
    misfits=$({ grep -oE '^  [A-Za-z0-9_]+ example [0-9]+: (request|response)[.[][^:]*' \
        "$out/import.log" || true; } | sort -u | wc -l)

    lines=- per_action=- build_time=- peak=-
    if [[ $status == ok ]]; then
        write_crate "$crate" "other-$svc"
        cat > "$crate/src/lib.rs" <<EOF
//! \`$svc\` $version, generated by \`cargo xtask codegen\` from Tencent's
//! published description as tcmpp-api is: a build check, not a crate to use.

#[rustfmt::skip]
mod generated;
pub use generated::*;
EOF
        # The first action a caller can send with nothing set, in the fluent form.
        method=$(python3 -c '
import json, sys
spec = json.load(open(sys.argv[1]))
for name, action in sorted(spec["actions"].items()):
    if not any(m.get("required") for m in action["request"]["members"]):
        print(name)
        break
' "$out/spec.json")
        mkdir -p "$crate/examples"
        if [[ -n $method ]]; then
            module=$(grep -l "const ACTION: &'static str = \"$method\";" "$crate"/src/generated/actions/*.rs | head -n1 || true)
            module=$(basename "${module:-none.rs}" .rs)
            cat > "$crate/examples/fluent.rs" <<EOF
//! Builds a client of \`$svc\` and calls \`$method\` in the fluent form.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = other_${svc//-/_}::Client::builder().region("ap-singapore").build()?;
    let output = client.$module().send().await?;
    println!("{}", output.request_id);
    Ok(())
}
EOF
        else
            # Every action needs a member (tcsas: PlatformId): build the client only.
            cat > "$crate/examples/fluent.rs" <<EOF
//! Builds a client of \`$svc\` (every action of it has a required member).
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = other_${svc//-/_}::Client::builder().region("ap-singapore").build()?;
    println!("{}", client.endpoint());
    Ok(())
}
EOF
        fi
        lines=$(find "$crate/src/generated" -name '*.rs' -exec cat {} + | wc -l)
        per_action=$(awk -v l="$lines" -v a="${actions:-0}" 'BEGIN { if (a > 0) printf "%.0f", l / a; else print "-" }')
        note "$svc: cargo build --release ($lines generated lines)"
        t0=$(now)
        if (cd "$crate" && CARGO_TARGET_DIR=$shared_target /usr/bin/time -v -o ../build.time \
            cargo build --release --examples --color never) > "$out/build.log" 2>&1; then
            if (cd "$crate" && cargo tree -e normal --prefix none) | grep -q '^tcmpp-api '; then
                status="depends on tcmpp-api"
            fi
        else
            status="build failed"
        fi
        t1=$(now)
        build_time=$(elapsed "$t0" "$t1")
        peak=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$out/build.time")
        warnings=$(grep -c '^warning' "$out/build.log" || true)
        ((warnings == 0)) || status="$status, $warnings warnings"
    fi
    [[ $status == ok* ]] || failed=$((failed + 1))
    rows+=("$svc $version|${actions:--}|${objects:--}|$lines|$per_action|$gen_time|$build_time|$peak|${notes:-0}|$misfits|$examples_out / $requests_out|$status")
done
finished=$(now)
total=$(elapsed "$started" "$finished")
whole=$(elapsed "$run_started" "$finished")

# --- the table -----------------------------------------------------------
echo
echo "| service | actions | objects | generated lines | lines/action | import + generate (s) | release build (s) | peak rustc memory (MB) | import notes | example misfits | examples / requests left out | result |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for r in "${rows[@]}"; do
    echo "| ${r//|/ | } |"
done
echo
echo "${#services[@]} services in ${total} s; ${whole} s in all (with download and dependencies); logs in $work/<service>/"
exit "$failed"
