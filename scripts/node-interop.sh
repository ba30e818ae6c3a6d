#!/usr/bin/env bash
# Interop check: the official Tencent Cloud Node SDK (tencentcloud-sdk-nodejs-intl-en)
# against the mock server of TCMPP and TCSAS (`tcmpp serve`, both on one port; see
# scripts/lib/server.sh for which program).
#
# Installs (or reuses) the SDK pinned by scripts/node-interop/package-lock.json
# into target/node-interop with `npm ci`, starts the mock on a free loopback
# port with known credentials, runs scripts/node_interop.mjs against it, and
# stops the mock on exit. Needs node and npm, and the registry for the first run.
# The checks: both seeded actions with the spec's example requests in the SDK's
# default profile (v1 HmacSHA256, form-encoded POST), with TC3-HMAC-SHA256 and
# HmacSHA1, and each over GET; a wrong SecretKey refused in each. Then TCSAS on
# the same port: the six TCSAS actions this SDK version ships, with the examples
# of spec/tcsas.json, in three ways of signing, a wrong SecretKey refused in each.
# Over HTTP, then again over HTTPS (serve --https) with NODE_EXTRA_CA_CERTS=its CA file.
# Env: TCMPP_BIN, the server program (default: tcmpp-cli's tcmpp, built with cargo).
# shellcheck source-path=SCRIPTDIR/..
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
LOG_NAME='node-interop'
source scripts/lib/server.sh

SDK_PACKAGE=tencentcloud-sdk-nodejs-intl-en
SDK_VERSION=3.0.1335
pins=scripts/node-interop
work=target/node-interop

command -v node >/dev/null || die "node not found"
grep -qF "\"$SDK_PACKAGE\": \"$SDK_VERSION\"" "$pins/package.json" ||
    die "$pins/package.json does not pin $SDK_PACKAGE $SDK_VERSION"

# 1. The pinned SDK, reused when target/node-interop was installed from the same lock file.
have_sdk() {
    cmp -s "$pins/package-lock.json" "$work/package-lock.json" &&
        [[ $(node -p "require('./$work/node_modules/$SDK_PACKAGE/package.json').version" 2>/dev/null) == "$SDK_VERSION" ]]
}
if have_sdk; then
    note "reusing $work ($SDK_PACKAGE $SDK_VERSION)"
else
    command -v npm >/dev/null || die "npm not found"
    note "installing $SDK_PACKAGE $SDK_VERSION into $work (npm ci)"
    rm -rf "$work/node_modules" "$work/package-lock.json"
    mkdir -p "$work"
    cp "$pins/package.json" "$pins/package-lock.json" "$work/"
    npm ci --prefix "$work" --no-audit --no-fund --loglevel=error >"$work/npm.log" 2>&1 ||
        { cat "$work/npm.log" >&2; die "npm ci of $pins/package-lock.json failed"; }
    have_sdk || die "npm ci ran but $work does not hold $SDK_PACKAGE $SDK_VERSION"
fi

# 2. The checks against a fresh mock, over HTTP, then over HTTPS trusting the CA
# it writes. The script prints one line per check and `N passed, M failed` last.
server_start "$work/http"
server_run_checks "the Node SDK checks over HTTP" TCMPP_NODE_SDK="$work" node scripts/node_interop.mjs

server_start_https "$work/https"
server_run_checks "the Node SDK checks over HTTPS" TCMPP_NODE_SDK="$work" NODE_EXTRA_CA_CERTS="$SERVER_CA" \
    node scripts/node_interop.mjs
