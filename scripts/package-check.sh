#!/usr/bin/env bash
# The crates meant for users, built from their packages alone, as crates.io
# would get them: `cargo package` verifies each package by building it
# unpacked (tcmpp-cli against the packaged tcmpp-api, through a temporary
# local registry), then the tcmpp-api package's own tests run in the
# unpacked package, with the mock (HTTP and HTTPS). Also checks that each
# package carries LICENSE and its own README. Extra arguments go to
# `cargo package` (--allow-dirty to try uncommitted changes).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"

for crate in tcmpp-api tcmpp-cli; do
    listed=$(cargo package -p "$crate" --list --locked "$@")
    for file in LICENSE README.md; do
        grep -qxF "$file" <<<"$listed" || { echo "the $crate package lacks $file" >&2; exit 1; }
    done
done

# Cargo keeps what it extracts from the temporary registry
# ($CARGO_HOME/registry/src/-HASH/tcmpp-api-VERSION) and reuses it on the next
# run while the version is unchanged: tcmpp-cli would be verified against an
# older tcmpp-api. Cargo extracts them again from the new packages.
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/tcmpp-api-* \
    "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/tcmpp-cli-*
cargo package -p tcmpp-api -p tcmpp-cli --locked "$@"

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' tcmpp-api/Cargo.toml | head -n 1)
unpacked="$target/package/tcmpp-api-$version"
# A target directory of its own: the unpacked package is its own workspace.
(cd "$unpacked" && CARGO_TARGET_DIR="$target/package-test" cargo test --locked --features mock,mock-tls)
