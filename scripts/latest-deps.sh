#!/usr/bin/env bash
# Upstream drift: lints and tests with the newest compatible version of every
# dependency (what `cargo install` without --locked and every downstream crate
# with a fresh lock get), so a deprecation or a break reaches us before our
# users do. The lock file is what every other step uses; it is put back on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
cp Cargo.lock target/Cargo.lock.committed
trap 'cp target/Cargo.lock.committed Cargo.lock' EXIT
cargo update 2>&1 | grep -E 'Updating|Adding|Removing' || echo "the lock file is already at the newest compatible versions"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p tcmpp-api --lib --no-default-features --features native-tls -- -D warnings
cargo clippy -p tencentcloud-mock --lib --features tls -- -D warnings
log=target/latest-deps-test.log
cargo test --workspace 2>&1 | tee "$log"
# One closing line for the whole run (its last binary has no tests).
awk '/^test result:/ { p += $4; f += $6 } END { printf "latest-deps: %d passed, %d failed\n", p, f }' "$log"
