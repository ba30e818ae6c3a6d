#!/usr/bin/env bash
# Interop check: the official Tencent Cloud Python SDK (tencentcloud-sdk-python-intl-en)
# against the mock server of TCMPP and TCSAS (`tcmpp serve`, both on one port; see
# scripts/lib/server.sh for which program).
#
# Makes (or reuses) a virtualenv in target/python-interop/venv with the pinned
# SDK, starts the mock on a free loopback port with known credentials, runs
# scripts/python_interop.py against it, then again against a mock over HTTPS
# (its CA given to the SDK), and stops the mock on exit. Needs
# python3 with venv and pip, and the registry for the first run.
# The checks cover the two seeded actions, authentication and parameter errors,
# what the mock's HTTP layer refuses (a 70 KB URI; over HTTPS, plain HTTP sent to it),
# the other ways the SDK sends (GET with TC3, v1 HmacSHA1/HmacSHA256 over GET and POST,
# TC3 with unsignedPayload over both),
# and imported actions called with the request and answer examples of
# spec/tcmpp.json (the spec the mock is built from); then TCSAS through the SDK's
# TcsasClient on the same port: its own store (the seeded two, CreateMNPVersion
# with its extra members), TC3 and v1, wrong keys, VersionType and version
# refusals, and imported actions with the examples of spec/tcsas.json.
# Then scripts/python_crud.py: create, list, describe, modify and delete through
# the SDK for ten of the mock's resource families (TCMPP's and TCSAS's), each
# change seen, and a deleted or unknown id answered the family's documented code.
# Then scripts/python_sts.py, over HTTP and HTTPS: the SDK's role credentials
# (STSAssumeRoleCredential, OIDCRoleArnCredential, DefaultTkeOIDCRoleArnProvider)
# get temporary keys from the mock's STS (the server accepts the web identity
# token written to DIR/token) and call TCMPP and TCSAS with them.
# Env: PYTHON (default python3) picks the interpreter the venv is made from;
# TCMPP_BIN, the server program (default: tcmpp-cli's tcmpp, built with cargo).
# shellcheck source-path=SCRIPTDIR/..
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
LOG_NAME='python-interop'
source scripts/lib/server.sh
source scripts/lib/venv.sh

work=target/python-interop

# 1. The virtualenv with the pinned SDK; reused when it already has it.
python_venv "$PYTHON_VENV" "$PYTHON_SDK"

# 2. The checks against a fresh mock, over HTTP, then over HTTPS with the CA it
# writes. The script prints one line per check and `N passed, M failed` last.
# The web identity token the server accepts in STS AssumeRoleWithWebIdentity.
token_file=$work/token
mkdir -p "$work"
printf 'eyJ.interop-%s' "$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" >"$token_file"
sts_args=(--web-identity-token-file "$token_file" --web-identity-provider OIDC-interop)
sts_env=(TCMPP_WEB_IDENTITY_TOKEN_FILE="$token_file" TCMPP_WEB_IDENTITY_PROVIDER=OIDC-interop)

server_start "$work/http" "${sts_args[@]}"
server_run_checks "the Python SDK checks over HTTP" "$VENV_PYTHON" scripts/python_interop.py
server_run_checks "the Python SDK's CRUD over the resource families" "$VENV_PYTHON" scripts/python_crud.py
server_run_checks "the Python SDK's role credentials over HTTP" "${sts_env[@]}" "$VENV_PYTHON" scripts/python_sts.py

server_start_https "$work/https" "${sts_args[@]}"
server_run_checks "the Python SDK checks over HTTPS" TCMPP_CA_FILE="$SERVER_CA" "$VENV_PYTHON" scripts/python_interop.py
server_run_checks "the Python SDK's role credentials over HTTPS" TCMPP_CA_FILE="$SERVER_CA" "${sts_env[@]}" \
    "$VENV_PYTHON" scripts/python_sts.py
