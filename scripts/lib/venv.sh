# shellcheck shell=bash
# Shared by scripts/python-interop.sh and scripts/tccli-interop.sh; source it
# after scripts/lib/server.sh (for note and die).
#
#   python_venv DIR NAME==VERSION...
#
# Makes DIR a virtualenv (from $PYTHON, default python3) that holds each pinned
# package, installing with pip only what is missing or at another version, and
# sets VENV_PYTHON. Both scripts share PYTHON_VENV with the one PYTHON_SDK pin:
# tccli-intl-en runs on the same tencentcloud-sdk-python-intl-en as the SDK
# check, so neither script reinstalls the other's version.

# shellcheck disable=SC2034 # used by the scripts that source this file
PYTHON_VENV=target/python-interop/venv
# shellcheck disable=SC2034
PYTHON_SDK=tencentcloud-sdk-python-intl-en==3.1.193

python_venv() {
    local venv=$1 req
    shift
    VENV_PYTHON=$venv/bin/python
    local missing=()
    if [[ -x $VENV_PYTHON ]] && "$VENV_PYTHON" -c 'import sys' 2>/dev/null; then
        for req in "$@"; do
            "$VENV_PYTHON" - "$req" 2>/dev/null <<'PY' || missing+=("$req")
import sys
from importlib.metadata import version
name, want = sys.argv[1].split("==")
sys.exit(version(name) != want)
PY
        done
    else
        local python=${PYTHON:-python3}
        command -v "$python" >/dev/null || die "$python not found (set PYTHON to a Python 3 interpreter)"
        mkdir -p "$(dirname "$venv")"
        note "creating $venv"
        "$python" -m venv --clear "$venv" >"$venv.log" 2>&1 ||
            { cat "$venv.log" >&2; die "could not create the virtualenv with $python -m venv"; }
        missing=("$@")
    fi
    if ((${#missing[@]} == 0)); then
        note "reusing $venv ($*)"
        return 0
    fi
    note "installing ${missing[*]} into $venv"
    # Every pin at once, so pip keeps what is already there at its pinned version.
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV_PYTHON" -m pip install -q "$@" >"$venv.pip.log" 2>&1 ||
        { cat "$venv.pip.log" >&2; die "pip install $* failed"; }
}
