#!/usr/bin/env bash
# Installs @particle/softap-setup 4.1.2 (Particle's SoftAP client library) into this folder
# as an interop peer for harken tests; driver.js runs it. Idempotent: a no-op when the stamp
# in node_modules matches package.json, this script and the node version.
# The package declares node >= 22 but runs on node 20 (it uses only net, http and crypto).
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
      && -f node_modules/@particle/softap-setup/lib/browser.js ]]; then
    exit 0
fi

rm -f "$stamp"
npm install --no-package-lock --ignore-scripts --no-audit --no-fund \
    --no-update-notifier --engine-strict=false --loglevel=error
node -e "require('@particle/softap-setup')"  # loads on this node

echo "$key" >"$stamp"
echo "@particle/softap-setup installed: $here/driver.js"
