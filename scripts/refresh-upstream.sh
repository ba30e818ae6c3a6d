#!/usr/bin/env bash
# Refreshes spec/upstream/ from Tencent's published packages on PyPI:
# api.json and examples.json from tccli-intl-en, errorcodes.py from
# tencentcloud-sdk-python-intl-en, copied unmodified, with the versions and
# wheel digests in spec/upstream/SOURCES.
#
#   scripts/refresh-upstream.sh                  # the newest releases
#   scripts/refresh-upstream.sh 3.1.193.1 3.1.193  # pinned versions
#
# Then run `cargo xtask import`, review its report, and `cargo xtask codegen`.
# Building and testing never need the network: only this script does.
set -euo pipefail
cd "$(dirname "$0")/.."
cli_pkg=tccli-intl-en
sdk_pkg=tencentcloud-sdk-python-intl-en
cli_spec=$cli_pkg${1:+==$1}
sdk_spec=$sdk_pkg${2:+==$2}
service=tcmpp
version=v20240801

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$work" "$cli_spec" "$sdk_spec"

unpack() { # wheel-glob dest
    local wheel
    wheel=$(ls "$work"/$1)
    mkdir -p "$2"
    python3 -m zipfile -e "$wheel" "$2"
    echo "$wheel"
}
cli_wheel=$(unpack 'tccli_intl_en-*.whl' "$work/cli")
sdk_wheel=$(unpack 'tencentcloud_sdk_python_intl_en-*.whl' "$work/sdk")

dest=spec/upstream
cp "$work/cli/tccli/services/$service/$version/api.json" \
   "$work/cli/tccli/services/$service/$version/examples.json" "$dest/$cli_pkg/"
cp "$work/sdk/tencentcloud/$service/$version/errorcodes.py" "$dest/$sdk_pkg/"

wheel_version() { basename "$1" | cut -d- -f2; }
{
    echo "# Where spec/upstream/ came from; written by scripts/refresh-upstream.sh."
    echo "$cli_pkg $(wheel_version "$cli_wheel") sha256:$(sha256sum "$cli_wheel" | cut -d' ' -f1)"
    echo "  tccli/services/$service/$version/api.json -> $cli_pkg/api.json"
    echo "  tccli/services/$service/$version/examples.json -> $cli_pkg/examples.json"
    echo "$sdk_pkg $(wheel_version "$sdk_wheel") sha256:$(sha256sum "$sdk_wheel" | cut -d' ' -f1)"
    echo "  tencentcloud/$service/$version/errorcodes.py -> $sdk_pkg/errorcodes.py"
} > "$dest/SOURCES"
cat "$dest/SOURCES"
