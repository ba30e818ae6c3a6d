#!/usr/bin/env bash
# Refreshes spec/upstream/ from Tencent's published packages on PyPI, for
# every service in spec/services.json: api.json and examples.json from
# tccli-intl-en, errorcodes.py from tencentcloud-sdk-python-intl-en, copied
# unmodified under the paths they have in the packages, with the versions
# and wheel digests in spec/upstream/SOURCES.
#
#   scripts/refresh-upstream.sh                      # the newest releases
#   scripts/refresh-upstream.sh 3.1.193.1 3.1.193    # pinned versions
#   PIP_WHEELS=DIR scripts/refresh-upstream.sh ...   # wheels already downloaded
#
# Then run `cargo xtask import`, review its report, and `cargo xtask codegen`.
# Building and testing never need the network: only this script does.
set -euo pipefail
cd "$(dirname "$0")/.."
cli_pkg=tccli-intl-en
sdk_pkg=tencentcloud-sdk-python-intl-en
cli_spec=$cli_pkg${1:+==$1}
sdk_spec=$sdk_pkg${2:+==$2}

# name/version of every registered service, one per line.
mapfile -t services < <(python3 -c '
import json
for s in json.load(open("spec/services.json"))["services"]:
    print(s["name"] + "/" + s["version"])')

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ -n ${PIP_WHEELS:-} ]]; then
    cp "$PIP_WHEELS"/*.whl "$work/"
else
    python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$work" "$cli_spec" "$sdk_spec"
fi

unpack() { # wheel-glob dest
    local wheel
    wheel=$(ls "$work"/$1 | sort -V | tail -n1)
    mkdir -p "$2"
    python3 -m zipfile -e "$wheel" "$2"
    echo "$wheel"
}
cli_wheel=$(unpack "${cli_pkg//-/_}-${1:-*}-*.whl" "$work/cli")
sdk_wheel=$(unpack "${sdk_pkg//-/_}-${2:-*}-*.whl" "$work/sdk")

# Every service's files first: a release without one leaves spec/upstream/ as it was.
for s in "${services[@]}"; do
    for f in cli/tccli/services/$s/api.json cli/tccli/services/$s/examples.json sdk/tencentcloud/$s/errorcodes.py; do
        [[ -f $work/$f ]] || {
            echo "$(basename "$cli_wheel") / $(basename "$sdk_wheel") has no ${f#*/}, which spec/services.json asks for ($s): nothing changed" >&2
            exit 1
        }
    done
done

dest=spec/upstream
rm -rf "${dest:?}/$cli_pkg" "${dest:?}/$sdk_pkg"
for s in "${services[@]}"; do
    mkdir -p "$dest/$cli_pkg/$s" "$dest/$sdk_pkg/$s"
    cp "$work/cli/tccli/services/$s/api.json" "$work/cli/tccli/services/$s/examples.json" \
        "$dest/$cli_pkg/$s/"
    cp "$work/sdk/tencentcloud/$s/errorcodes.py" "$dest/$sdk_pkg/$s/"
done

wheel_version() { basename "$1" | cut -d- -f2; }
{
    echo "# Where spec/upstream/ came from; written by scripts/refresh-upstream.sh."
    echo "$cli_pkg $(wheel_version "$cli_wheel") sha256:$(sha256sum "$cli_wheel" | cut -d' ' -f1)"
    for s in "${services[@]}"; do
        echo "  tccli/services/$s/api.json -> $cli_pkg/$s/api.json"
        echo "  tccli/services/$s/examples.json -> $cli_pkg/$s/examples.json"
    done
    echo "$sdk_pkg $(wheel_version "$sdk_wheel") sha256:$(sha256sum "$sdk_wheel" | cut -d' ' -f1)"
    for s in "${services[@]}"; do
        echo "  tencentcloud/$s/errorcodes.py -> $sdk_pkg/$s/errorcodes.py"
    done
} > "$dest/SOURCES"
cat "$dest/SOURCES"
