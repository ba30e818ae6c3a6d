# shellcheck shell=bash
# Shared by the interop scripts (scripts/*-interop.sh); source it, do not run it.
#
# Gives each script the same messages, one exit trap, and one way to start the
# mock server (TCMPP and TCSAS on one port) on a free loopback port and stop it again:
#
#   LOG_NAME=node-interop                 # prefix of note/die messages
#   source scripts/lib/server.sh
#   on_exit my_cleanup                 # hooks run on exit, last added first
#   server_start DIR                   # sets SERVER_PID, SERVER_PORT, SERVER_URL
#   server_start_https DIR             # the same over HTTPS; sets SERVER_CA (DIR/ca.pem)
#   server_run_checks WHAT [VAR=VALUE...] COMMAND...
#                                      # runs a checks program against the server
#   server_stop                        # also run on exit
#
# The server program: $TCMPP_BIN if set (an installed `tcmpp`, by path or by
# name on PATH), else the workspace's tcmpp-cli built with cargo. It is started
# as `PROGRAM serve --port 0 [ARGS]` with TENCENTCLOUD_SECRET_ID/KEY from
# SERVER_SECRET_ID/SERVER_SECRET_KEY, and must print
# `listening on http(s)://127.0.0.1:PORT` as its first stdout line.
# Its stdout and stderr go to DIR/server.stdout and DIR/server.stderr.

: "${LOG_NAME:=interop}"
SERVER_STARTUP_TIMEOUT=${SERVER_STARTUP_TIMEOUT:-30}
# The mock's credentials: what the clients sign with. Not secret, but never printed all the same.
SERVER_SECRET_ID=${SERVER_SECRET_ID:-AKIDINTEROP0000000000000000000000000}
SERVER_SECRET_KEY=${SERVER_SECRET_KEY:-interopsecretkey0000000000000000}
SERVER_PID=
SERVER_PORT=
SERVER_URL=
SERVER_CA=
SERVER_DIR=
SERVER_BIN=

die() { printf '%s: %s\n' "$LOG_NAME" "$*" >&2; exit 1; }
note() { printf '%s: %s\n' "$LOG_NAME" "$*"; }

# Exit hooks: function names, run in reverse order of registration on any exit.
_exit_hooks=()
on_exit() { _exit_hooks+=("$1"); }
_run_exit_hooks() {
    local i
    for ((i = ${#_exit_hooks[@]} - 1; i >= 0; i--)); do
        "${_exit_hooks[i]}" || true
    done
}
trap _run_exit_hooks EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Prefix for every command that talks to the server: loopback traffic must never
# go through a proxy from the environment (installs before it still may).
LOOPBACK_ENV=(env -u HTTP_PROXY -u HTTPS_PROXY -u ALL_PROXY -u http_proxy -u https_proxy -u all_proxy
    'NO_PROXY=127.0.0.1,localhost' 'no_proxy=127.0.0.1,localhost')

# Sets SERVER_BIN: $TCMPP_BIN, or the program built with cargo.
server_program() {
    [[ -n $SERVER_BIN ]] && return 0
    if [[ -n ${TCMPP_BIN:-} ]]; then
        SERVER_BIN=$(command -v "$TCMPP_BIN") || die "TCMPP_BIN=$TCMPP_BIN is not an executable program"
        note "server: $SERVER_BIN (TCMPP_BIN)"
        return 0
    fi
    local meta target_dir
    meta=$(cargo metadata --format-version 1 --no-deps) || die "cargo metadata failed"
    target_dir=$(grep -o '"target_directory":"[^"]*"' <<<"$meta" | head -n 1 |
        sed -e 's/^"target_directory":"//' -e 's/"$//') || true
    [[ -n $target_dir ]] || die "could not read the target directory from cargo metadata"
    cargo build --quiet -p tcmpp-cli --bin tcmpp || die "cargo build -p tcmpp-cli failed"
    SERVER_BIN=$target_dir/debug/tcmpp
    [[ -x $SERVER_BIN ]] || die "$SERVER_BIN was not built"
    note "server: $SERVER_BIN (built with cargo; set TCMPP_BIN to use an installed tcmpp)"
}

server_log() {
    [[ -n $SERVER_DIR ]] || return 0
    echo "--- server stderr ($SERVER_DIR/server.stderr):" >&2
    tail -n 40 "$SERVER_DIR/server.stderr" >&2 || true
}

server_stop() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        local _
        for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
on_exit server_stop

server_check_alive() {
    if [[ -z $SERVER_PID ]] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
        server_log
        die "the server died"
    fi
}

# server_start DIR [SERVE ARGS...]: starts the server, waits for its first line.
server_start() {
    local dir=$1
    shift
    server_stop
    server_program
    mkdir -p "$dir"
    SERVER_DIR=$dir
    local scheme=http arg
    for arg in "$@"; do [[ $arg == --https ]] && scheme=https; done
    : >"$dir/server.stdout"
    TENCENTCLOUD_SECRET_ID=$SERVER_SECRET_ID TENCENTCLOUD_SECRET_KEY=$SERVER_SECRET_KEY \
        "$SERVER_BIN" serve --port 0 "$@" >"$dir/server.stdout" 2>"$dir/server.stderr" </dev/null &
    SERVER_PID=$!

    local first want="listening on $scheme://127.0.0.1:PORT"
    local deadline=$((SECONDS + SERVER_STARTUP_TIMEOUT))
    SERVER_PORT=
    while [[ -z $SERVER_PORT ]]; do
        # Count complete lines before reading one, so a line being written is never taken for the first line.
        if (($(wc -l <"$dir/server.stdout") > 0)); then
            first=$(head -n 1 "$dir/server.stdout")
            if [[ ! $first =~ ^listening\ on\ $scheme://127\.0\.0\.1:([0-9]+)$ ]]; then
                server_log
                die "the server's first stdout line is not '$want': $first"
            fi
            SERVER_PORT=${BASH_REMATCH[1]}
        elif ! kill -0 "$SERVER_PID" 2>/dev/null; then
            server_log
            die "the server exited before it said where it listens (stdout: $(head -c 200 "$dir/server.stdout"))"
        elif ((SECONDS >= deadline)); then
            server_log
            die "the server did not print '$want' within ${SERVER_STARTUP_TIMEOUT}s"
        else
            sleep 0.1
        fi
    done
    SERVER_URL=$scheme://127.0.0.1:$SERVER_PORT
    note "server (pid $SERVER_PID) listening on $SERVER_URL"
}

# server_start_https DIR [SERVE ARGS...]: server_start DIR over HTTPS, its root certificate
# written to DIR/ca.pem (absolute in SERVER_CA).
server_start_https() {
    local dir=$1
    shift
    [[ $dir == /* ]] || dir=$PWD/$dir
    SERVER_CA=$dir/ca.pem
    server_start "$dir" --https --ca-file "$SERVER_CA" "$@"
    [[ -s $SERVER_CA ]] || { server_log; die "the server did not write its CA to $SERVER_CA"; }
}

# server_run_checks WHAT [VAR=VALUE...] COMMAND...: runs a checks program with
# TCMPP_ENDPOINT (the server's URL), the credentials, TCMPP_SPEC and
# TCSAS_SPEC (the specs the server answers from) and no proxy;
# if it fails, or the server died meanwhile, shows the server's stderr and dies.
server_run_checks() {
    local what=$1 status=0
    shift
    "${LOOPBACK_ENV[@]}" TCMPP_ENDPOINT="$SERVER_URL" TCMPP_SPEC=spec/tcmpp.json TCSAS_SPEC=spec/tcsas.json \
        TENCENTCLOUD_SECRET_ID="$SERVER_SECRET_ID" TENCENTCLOUD_SECRET_KEY="$SERVER_SECRET_KEY" "$@" || status=$?
    if ((status != 0)); then
        server_log
        die "$what failed (exit $status)"
    fi
    server_check_alive
}
