#!/usr/bin/env bash
# Installs particle-cli 3.19.0 into this folder as an interop peer for harken tests.
# Idempotent: a no-op when the stamp in node_modules matches package.json, this
# script and the node version. Result: bin/particle (wrapper) and bin/udevadm
# (stand-in for serialport's port listing on machines without udev).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

# Serialise concurrent runs (lock on a file we already have).
exec 9<package.json
flock 9

command -v node >/dev/null || { echo "install.sh: node not found" >&2; exit 1; }
command -v npm >/dev/null || { echo "install.sh: npm not found" >&2; exit 1; }

stamp=node_modules/.harken-install-stamp
key=$( { cat package.json install.sh; node --version; } | sha256sum | cut -d' ' -f1)
binding=node_modules/@serialport/bindings/build/Release/bindings.node

if [[ -f $stamp && $(cat "$stamp") == "$key" && -f $binding \
      && -x bin/particle && -x bin/udevadm ]]; then
    exit 0
fi

# Toolchain for the native serialport binding.
missing=()
command -v make >/dev/null || missing+=(make)
command -v g++ >/dev/null || missing+=(g++)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
    sudo=()
    ((EUID == 0)) || sudo=(sudo)
    "${sudo[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Node headers from the local node install (node-gyp would otherwise download them).
nodedir=$(dirname -- "$(dirname -- "$(readlink -f -- "$(command -v node)")")")
if [[ ! -f $nodedir/include/node/common.gypi ]]; then
    echo "install.sh: no node headers under $nodedir/include/node" >&2
    exit 1
fi

rm -f "$stamp"
# --ignore-scripts: the only install script that matters (serialport's binding)
# would try a GitHub prebuild download first; we build it ourselves below.
npm install --no-package-lock --ignore-scripts --no-audit --no-fund \
    --no-update-notifier --loglevel=error

gyplog=node_modules/.harken-node-gyp.log
if ! (cd node_modules/@serialport/bindings \
      && node ../../node-gyp/bin/node-gyp.js rebuild --nodedir="$nodedir") >"$gyplog" 2>&1; then
    cat "$gyplog" >&2
    echo "install.sh: building the serialport binding failed" >&2
    exit 1
fi

mkdir -p bin .home
printf '#!/bin/sh\n# Stand-in for udevadm: no udev here, so list no ports.\nexit 0\n' >bin/udevadm
cat >bin/particle <<'WRAPPER'
#!/usr/bin/env bash
# particle-cli 3.19.0 with a private HOME, no update checks and the udevadm stand-in.
# 3.19.0 ignores PARTICLE_DISABLE_UPDATE (cli.js overwrites it from the args), so
# --no-update-check is passed too; the CLI removes it from the args it parses.
set -euo pipefail
bin=$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")
root=$(dirname -- "$bin")
mkdir -p "$root/.home"
PATH="$bin:$PATH" HOME="$root/.home" PARTICLE_DISABLE_UPDATE=true \
    exec node "$root/node_modules/particle-cli/src/index.js" --no-update-check "$@"
WRAPPER
chmod +x bin/udevadm bin/particle

echo "$key" >"$stamp"
echo "particle-cli installed: $here/bin/particle"
