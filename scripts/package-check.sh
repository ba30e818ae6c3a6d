#!/usr/bin/env bash
# The crates meant for users, built from their packages alone, as crates.io
# would get them: `cargo package` verifies each package by building it
# unpacked (each against the packages of the others, through a temporary
# local registry); then the unpacked runtime, service crates,
# tencentcloud-credentials, tencentcloud-redis-budget and tencentcloud-mock packages run their own tests, with each other's packages (not the
# workspace) standing in for crates.io. Also checks that each package
# carries LICENSE and its own README. Extra arguments go to `cargo package`
# (--allow-dirty to try uncommitted changes).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
crates=(tencentcloud-runtime tcmpp-api tcsas-api sts-api tencentcloud-credentials tencentcloud-redis-budget tencentcloud-mock tcmpp-cli)

for crate in "${crates[@]}"; do
    listed=$(cargo package -p "$crate" --list --locked "$@")
    for file in LICENSE README.md; do
        grep -qxF "$file" <<<"$listed" || { echo "the $crate package lacks $file" >&2; exit 1; }
    done
done

# Cargo keeps what it extracts from the temporary registry
# ($CARGO_HOME/registry/src/-HASH/NAME-VERSION) and reuses it on the next
# run while the version is unchanged: a crate would be verified against an
# older package of another. Cargo extracts them again from the new packages.
for crate in "${crates[@]}"; do
    rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$crate"-*
done
# A package carries no profile: verifying (and testing, below) with this
# workspace's dev profile reuses the dependencies the test step built.
profile=(
    --config 'profile.dev.debug="line-tables-only"'
    --config 'profile.dev.package."*".debug=false'
)
cargo package "${crates[@]/#/-p=}" --locked "${profile[@]}" "$@"

version() { sed -n 's/^version = "\(.*\)"$/\1/p' "$1/Cargo.toml" | head -n 1; }
unpacked() { echo "$target/package/$1-$(version "$2")"; }
runtime=$(unpacked tencentcloud-runtime runtime)
api=$(unpacked tcmpp-api tcmpp-api)
tcsas=$(unpacked tcsas-api tcsas-api)
sts=$(unpacked sts-api sts-api)
credentials=$(unpacked tencentcloud-credentials credentials)
budget=$(unpacked tencentcloud-redis-budget redis-budget)
mock=$(unpacked tencentcloud-mock mock)
# The packages stand in for crates.io (they name each other by version).
patch=(
    --config "patch.crates-io.tencentcloud-runtime.path=\"$runtime\""
    --config "patch.crates-io.tcmpp-api.path=\"$api\""
    --config "patch.crates-io.tcsas-api.path=\"$tcsas\""
    --config "patch.crates-io.sts-api.path=\"$sts\""
    --config "patch.crates-io.tencentcloud-credentials.path=\"$credentials\""
    --config "patch.crates-io.tencentcloud-redis-budget.path=\"$budget\""
    --config "patch.crates-io.tencentcloud-mock.path=\"$mock\""
)
# Each unpacked package is its own workspace, built in this one's target
# directory with the same profile: only the packaged crates and the
# features they add compile again.
for dir in "$runtime" "$api" "$tcsas" "$sts" "$credentials" "$budget" "$mock"; do
    (cd "$dir" && CARGO_TARGET_DIR="$target" cargo test "${patch[@]}" "${profile[@]}" --all-features)
done
