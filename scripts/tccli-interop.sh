#!/usr/bin/env bash
# Interop check: Tencent Cloud's command line tccli (tccli-intl-en) against the
# mock TCMPP server over HTTPS (`tcmpp serve --https`; see scripts/lib/server.sh
# for which program).
#
# Installs (or reuses) the pinned tccli into the Python SDK check's virtualenv,
# target/python-interop/venv (it runs on the same pinned
# tencentcloud-sdk-python-intl-en), starts the mock over HTTPS on a free
# loopback port with a CA it writes to target/tccli-interop/https/ca.pem, runs
# scripts/tccli_interop.py with a HOME of its own (target/tccli-interop/home,
# emptied first), and stops the mock on exit. Needs python3 with venv and pip,
# and the registry for the first run.
# Env: PYTHON (default python3) picks the interpreter the venv is made from;
# TCMPP_BIN, the server program (default: tcmpp-cli's tcmpp, built with cargo).
# shellcheck source-path=SCRIPTDIR/..
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
LOG_NAME='tccli-interop'
source scripts/lib/server.sh
source scripts/lib/venv.sh

# tccli-intl-en 3.1.193.1 is where spec/upstream/ came from (spec/upstream/SOURCES);
# it asks for tencentcloud-sdk-python-intl-en>=3.1.193: PYTHON_SDK (scripts/lib/venv.sh).
TCCLI=tccli-intl-en==3.1.193.1
work=target/tccli-interop

# 1. The virtualenv with both pins; reused when it already has them.
python_venv "$PYTHON_VENV" "$PYTHON_SDK" "$TCCLI"

# 2. The checks against the mock over HTTPS. The script prints one line per
# check and `N passed, M failed` last.
server_start_https "$work/https"
server_run_checks "the tccli checks" TCMPP_CA_FILE="$SERVER_CA" TCCLI_INTEROP_HOME="$PWD/$work/home" \
    TCCLI="$PWD/$PYTHON_VENV/bin/tccli" "$VENV_PYTHON" scripts/tccli_interop.py
