#!/usr/bin/env bash
# Interop check: the official Tencent Cloud Python SDK (tencentcloud-sdk-python-intl-en)
# against the mock TCMPP server of `cargo run --example tcmpp -- serve`.
#
# Makes (or reuses) a virtualenv in target/python-interop/venv, installs the
# pinned SDK into it, builds the example, starts the mock on a free loopback
# port with known credentials, runs scripts/python_interop.py against it, and
# kills the mock on exit. Needs python3 with venv and pip, and the registry.
# The checks cover the two seeded actions, authentication and parameter errors,
# the other ways the SDK sends (GET with TC3, v1 HmacSHA1/HmacSHA256 over GET and POST),
# and imported actions called with the request and answer examples of
# spec/tcmpp.json (the spec the mock is built from).
# Env: PYTHON (default python3) picks the interpreter the venv is made from.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SDK_PACKAGE=tencentcloud-sdk-python-intl-en
SDK_VERSION=3.1.193
SECRET_ID=AKIDINTEROP0000000000000000000000000
SECRET_KEY=interopsecretkey0000000000000000
STARTUP_TIMEOUT=30

work=target/python-interop
venv=$work/venv
mock_pid=

die() { printf 'python-interop: %s\n' "$*" >&2; exit 1; }
note() { printf 'python-interop: %s\n' "$*"; }

cleanup() {
    if [[ -n $mock_pid ]] && kill -0 "$mock_pid" 2>/dev/null; then
        kill "$mock_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$mock_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$mock_pid" 2>/dev/null || true
        wait "$mock_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_mock_log() {
    echo "--- mock stderr ($work/mock.stderr):" >&2
    tail -n 40 "$work/mock.stderr" >&2 || true
}

mkdir -p "$work"

# 1. The virtualenv with the pinned SDK; reused when it already has it.
python=${PYTHON:-python3}
have_sdk() {
    [[ -x $venv/bin/python ]] &&
        "$venv/bin/python" -c "import sys, tencentcloud; sys.exit(tencentcloud.__version__ != '$SDK_VERSION')" 2>/dev/null
}
if have_sdk; then
    note "reusing $venv ($SDK_PACKAGE $SDK_VERSION)"
else
    command -v "$python" >/dev/null || die "$python not found (set PYTHON to a Python 3 interpreter)"
    note "creating $venv and installing $SDK_PACKAGE==$SDK_VERSION"
    "$python" -m venv --clear "$venv" >"$work/venv.log" 2>&1 ||
        { cat "$work/venv.log" >&2; die "could not create the virtualenv with $python -m venv"; }
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install -q "$SDK_PACKAGE==$SDK_VERSION" \
        >"$work/pip.log" 2>&1 ||
        { cat "$work/pip.log" >&2; die "pip install $SDK_PACKAGE==$SDK_VERSION failed"; }
    have_sdk || die "$SDK_PACKAGE installed but 'import tencentcloud' does not report version $SDK_VERSION"
fi

# 2. The mock server binary, wherever cargo puts it.
cargo build --example tcmpp -p tcmpp-api || die "cargo build --example tcmpp failed"
target_dir=$(cargo metadata --format-version 1 --no-deps |
    "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])') ||
    die "could not read the target directory from cargo metadata"
mock_bin=$target_dir/debug/examples/tcmpp
[[ -x $mock_bin ]] || die "$mock_bin was not built"

# 3. Start the mock on a free port with known credentials; its first stdout line names the port.
: >"$work/mock.stdout"
TENCENTCLOUD_SECRET_ID=$SECRET_ID TENCENTCLOUD_SECRET_KEY=$SECRET_KEY \
    "$mock_bin" serve --port 0 >"$work/mock.stdout" 2>"$work/mock.stderr" </dev/null &
mock_pid=$!

port=
deadline=$((SECONDS + STARTUP_TIMEOUT))
while [[ -z $port ]]; do
    # Count complete lines before reading one, so a line being written is never taken for the first line.
    if (($(wc -l <"$work/mock.stdout") > 0)); then
        first=$(head -n 1 "$work/mock.stdout")
        if [[ ! $first =~ ^listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]]; then
            show_mock_log
            die "the mock's first stdout line is not 'listening on http://127.0.0.1:PORT': $first"
        fi
        port=${BASH_REMATCH[1]}
    elif ! kill -0 "$mock_pid" 2>/dev/null; then
        show_mock_log
        die "the mock exited before it said where it listens (stdout: $(head -c 200 "$work/mock.stdout"))"
    elif ((SECONDS >= deadline)); then
        show_mock_log
        die "the mock did not print 'listening on http://127.0.0.1:PORT' within ${STARTUP_TIMEOUT}s"
    else
        sleep 0.1
    fi
done
note "mock (pid $mock_pid) listening on 127.0.0.1:$port"

# 4. The checks. The script prints one line per check and `N passed, M failed` last.
status=0
TCMPP_ENDPOINT=127.0.0.1:$port TENCENTCLOUD_SECRET_ID=$SECRET_ID TENCENTCLOUD_SECRET_KEY=$SECRET_KEY \
    TCMPP_SPEC=spec/tcmpp.json "$venv/bin/python" scripts/python_interop.py || status=$?
if ((status != 0)); then
    show_mock_log
    die "the Python SDK interop checks failed (exit $status)"
fi
kill -0 "$mock_pid" 2>/dev/null || { show_mock_log; die "the mock died during the checks"; }
