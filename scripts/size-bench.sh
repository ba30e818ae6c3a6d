#!/usr/bin/env bash
# The cost of generated code, measured as BENCHMARKS.md reports it: the
# release compile of tcmpp-api with all 104 actions, of tcmpp-api with only
# the two hand-described ones (tests/fixtures/seeded.json), and of tcsas-api
# (155 actions), each from an empty target dir with
# `cargo build --release --timings` (so reqwest, compiled in the same run, is
# the yardstick), then a rebuild of that crate alone under /usr/bin/time for
# its wall time and rustc's peak memory; generated lines per action; and the
# generator's own time (criterion).
#
#   scripts/size-bench.sh                # ~7 minutes on 2 cores; outside CI
#   scripts/size-bench.sh tcsas-api      # only the runs named: all-actions,
#                                        # two-actions, tcsas-api
#
# Run it on a quiet machine: compare ratios within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/target/size-bench
rm -rf "$out"
mkdir -p "$out"

# The two-action variant: this tree with the seeded spec generated in.
two=$out/two-actions
git worktree add --quiet --detach "$two" HEAD
trap 'git -C "$root" worktree remove --force "$two" >/dev/null 2>&1 || true' EXIT
(cd "$two" && cargo xtask codegen --spec tests/fixtures/seeded.json >/dev/null)

measure() { # label tree crate
    local label=$1 tree=$2 crate=$3 target=$out/target-$1
    (cd "$tree" && CARGO_TARGET_DIR=$target cargo build --quiet --release -p "$crate" --timings)
    touch "$tree/$crate/src/lib.rs"
    (cd "$tree" && CARGO_TARGET_DIR=$target /usr/bin/time -v cargo build --quiet --release -p "$crate") \
        2> "$out/$label.time"
    # The crate's dependency tree, to show it holds no other service.
    (cd "$tree" && cargo tree --offline -e normal --prefix none --format '{p}' -p "$crate") \
        | cut -d' ' -f1 | sort -u > "$out/$label.tree"
    python3 - "$label" "$target/cargo-timings/cargo-timing.html" "$out/$label.time" "$tree" "$crate" "$out/$label.tree" <<'EOF'
import json, re, sys, glob
label, html, timefile, tree, crate, deptree = sys.argv[1:]
units = json.loads(re.search(r'const UNIT_DATA = (\[.*?\]);', open(html).read(), re.S).group(1))
own = sum(u['duration'] for u in units if u['name'] == crate)
runtime = sum(u['duration'] for u in units if u['name'] == 'tencentcloud-runtime')
reqwest = sum(u['duration'] for u in units if u['name'] == 'reqwest')
deps = sum(u['duration'] for u in units if u['name'] not in (crate, 'tencentcloud-runtime'))
services = sorted(set(open(deptree).read().split()) & {'tcmpp-api', 'tcsas-api'} - {crate})
t = open(timefile).read()
wall = re.search(r'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)', t).group(1)
rss = int(re.search(r'Maximum resident set size \(kbytes\): (\d+)', t).group(1)) // 1024
files = glob.glob(tree + '/' + crate + '/src/generated/**/*.rs', recursive=True)
lines = [l for f in files for l in open(f)]
docs = sum(1 for l in lines if l.lstrip().startswith(('//', '#[doc')))
actions = sum(1 for f in files if '/actions/' in f and not f.endswith('/mod.rs'))
print(f"{label}: actions {actions}; generated lines {len(lines)} ({len(lines) - docs} code, {docs} docs), "
      f"{len(lines) / actions:.0f} per action; --timings: {crate} {own:.2f} s, reqwest {reqwest:.2f} s "
      f"(ratio {own / reqwest:.2f}), tencentcloud-runtime {runtime:.2f} s (ratio {runtime / reqwest:.2f}), "
      f"all other dependencies {deps:.1f} s (sum of units); "
      f"rebuild of {crate} alone {wall}, rustc peak {rss} MB; other services in its tree: {services or 'none'}")
EOF
}

runs=("$@")
((${#runs[@]})) || runs=(all-actions two-actions tcsas-api)
for run in "${runs[@]}"; do
    case $run in
        all-actions) measure all-actions "$root" tcmpp-api ;;
        two-actions) measure two-actions "$two" tcmpp-api ;;
        tcsas-api) measure tcsas-api "$root" tcsas-api ;;
        *) echo "size-bench: unknown run $run (all-actions, two-actions, tcsas-api)" >&2; exit 2 ;;
    esac
done

[[ -d $out/target-all-actions ]] || exit 0
CARGO_TARGET_DIR=$out/target-all-actions cargo bench --quiet -p tcmpp-codegen --bench generate -- \
    --warm-up-time 1 --measurement-time 5 2>/dev/null | grep -E '^codegen/|time:'
