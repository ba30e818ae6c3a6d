#!/usr/bin/env bash
# Instructions per sequential Describe call on the client's thread, for each
# client of the loopback bench (tcmpp-api, bare reqwest with and without the
# same timeouts, bare hyper), counted by callgrind: unlike CPU time, the
# count does not move with the machine's load, so two commits can be
# compared in one run. Each client runs twice (N1 and N2 measured calls);
# the difference divided by N2 - N1 is the cost of one call, without setup.
# Needs valgrind. Outside CI (about 2 minutes).
# Env: TCMPP_BENCH_ANSWER=seed|minimal (default seed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
answer=${TCMPP_BENCH_ANSWER:-seed}
# The bench measures calls/5 per run (its ROUNDS), after 200 warm-up calls.
n1=500 n2=2500

bench=$(cargo bench -p tcmpp-api --bench loopback --no-run --message-format json 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "loopback" and m.get("executable"):
        print(m["executable"])')
[[ -x $bench ]] || { echo "could not build the loopback bench" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Total instructions of the client's (main) thread.
count() {
    local client=$1 calls=$2
    (cd "$work" && rm -f callgrind.out.* &&
        TCMPP_BENCH_ONLY=$client TCMPP_BENCH_ANSWER=$answer TCMPP_BENCH_CALLS=$calls \
            valgrind --tool=callgrind --separate-threads=yes "$bench" --bench >/dev/null 2>&1)
    local main
    main=$(ls "$work"/callgrind.out.*-01 2>/dev/null | head -n 1)
    [[ -n $main ]] || { echo "callgrind wrote no output for $client" >&2; exit 1; }
    awk '/^(summary|totals):/ { print $2; exit }' "$main"
}

printf '%-18s %14s\n' client "instr/call"
declare -A per_call
for client in "bare hyper" "bare reqwest" "reqwest+timeouts" "tcmpp-api"; do
    a=$(count "$client" $n1)
    b=$(count "$client" $n2)
    per_call[$client]=$(( (b - a) * 5 / (n2 - n1) ))
    printf '%-18s %14d\n' "$client" "${per_call[$client]}"
done
python3 - "${per_call[tcmpp-api]}" "${per_call[bare reqwest]}" "${per_call[reqwest+timeouts]}" "${per_call[bare hyper]}" <<'EOF'
import sys
t, r, rt, h = map(int, sys.argv[1:])
print(f"tcmpp-api: {t / r:.2f}x bare reqwest, {t / rt:.2f}x reqwest+timeouts, {t / h:.2f}x bare hyper")
EOF
