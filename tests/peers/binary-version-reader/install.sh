#!/usr/bin/env bash
# Installs binary-version-reader 3.1.3 (Particle's module binary parser, used by their CLI and
# cloud) into this folder as an interop peer for harken tests; driver.js runs it. Idempotent
# and offline-safe: a no-op when the stamp in node_modules matches package.json, this script
# and the node version. @particle/device-constants (its peer dependency, the platform list)
# is pinned too, so the set of known platforms cannot drift.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

exec 9<package.json  # serialise concurrent runs
flock 9

command -v node >/dev/null || { echo "install.sh: node not found" >&2; exit 1; }
command -v npm >/dev/null || { echo "install.sh: npm not found" >&2; exit 1; }

stamp=node_modules/.harken-install-stamp
key=$( { cat package.json install.sh; node --version; } | sha256sum | cut -d' ' -f1)
if [[ -f $stamp && $(cat "$stamp") == "$key" \
      && -f node_modules/binary-version-reader/lib/HalModuleParser.js ]]; then
    exit 0
fi

rm -f "$stamp"
npm install --no-package-lock --ignore-scripts --no-audit --no-fund \
    --no-update-notifier --engine-strict=false --loglevel=error
node -e "require('binary-version-reader')"  # loads on this node

echo "$key" >"$stamp"
echo "binary-version-reader installed: $here/driver.js"
