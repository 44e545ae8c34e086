#!/usr/bin/env bash
# Installs particle-cli 3.19.0 into this folder as an interop peer for harken tests.
# Idempotent: a no-op when the stamp in node_modules matches package.json, this
# script and the node version. Result: bin/particle (wrapper) and bin/udevadm
# (stand-in for serialport's port listing on machines without udev).
#
# particle-usb is a direct dependency although the CLI lists it as optional: its
# engines field says npm 8.x, so newer npm silently drops it as an optional
# dependency, and then every `particle flash` (also --serial) dies on startup
# ("Cannot find module 'particle-usb'", cmd/usb-util.js requires it). usb is pinned
# to the version in particle-cli's npm-shrinkwrap.json; it loads its shipped
# prebuild (needs libudev.so.1), no build.
#
# bin/udevadm lists no ports, unless HARKEN_FAKE_SERIAL="PATH:PID:SERIAL" is set:
# then it lists one fake Particle USB serial device (vendor 2b04, product PID, e.g.
# c006 Photon, c008 P1, c00a Electron; USB serial number SERIAL, the device ID) whose
# port is PATH (any path the CLI can open, e.g. a pty or a symlink to one; it must
# equal a --port argument verbatim for the CLI to match the two).
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
      && -f node_modules/particle-usb/package.json \
      && -x bin/particle && -x bin/udevadm ]]; then
    exit 0
fi

# Toolchain for the native serialport binding.
missing=()
command -v make >/dev/null || missing+=(make)
command -v g++ >/dev/null || missing+=(g++)
command -v python3 >/dev/null || missing+=(python3)
# The usb prebuild (particle-usb) links against libudev.
{ ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null | grep -q 'libudev\.so\.1 ' || missing+=(libudev1)
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

# The flash command loads particle-usb (and usb's native prebuild) on startup.
if ! node -e "require('particle-usb')" 2>"$gyplog.usb"; then
    cat "$gyplog.usb" >&2
    echo "install.sh: particle-usb does not load" >&2
    exit 1
fi
rm -f "$gyplog.usb"

mkdir -p bin .home
cat >bin/udevadm <<'UDEVADM'
#!/bin/sh
# Stand-in for udevadm: no udev here. serialport 9 lists ports with `udevadm info -e`
# and keeps entries whose N: name looks like a serial tty, taking the port path from
# DEVNAME, vendorId/productId from ID_VENDOR_ID/ID_MODEL_ID, serialNumber from
# ID_SERIAL_SHORT, manufacturer from ID_VENDOR_ENC and pnpId from DEVLINKS' by-id link.
# Lists nothing, unless HARKEN_FAKE_SERIAL="PATH:PID:SERIAL" asks for one fake
# Particle device (split at the last two colons, so PATH may hold colons).
[ "$1" = info ] && [ "$2" = -e ] || exit 0
[ -n "${HARKEN_FAKE_SERIAL:-}" ] || exit 0
case $HARKEN_FAKE_SERIAL in
    *:*:*) ;;
    *) echo "udevadm stand-in: HARKEN_FAKE_SERIAL is not PATH:PID:SERIAL" >&2; exit 2 ;;
esac
serial=${HARKEN_FAKE_SERIAL##*:}
rest=${HARKEN_FAKE_SERIAL%:*}
pid=$(printf '%s' "${rest##*:}" | tr 'A-F' 'a-f')
path=${rest%:*}
case $pid in
    c006) model=Photon ;;
    c008) model=P1 ;;
    c00a) model=Electron ;;
    *) model=Device ;;
esac
byid=usb-Particle_${model}_${serial}-if00
devpath=/devices/virtual/harken/usb1/1-1/1-1:1.0/tty/ttyACM0
printf '%s\n' \
    "P: $devpath" \
    "N: ttyACM0" \
    "S: serial/by-id/$byid" \
    "E: DEVPATH=$devpath" \
    "E: DEVNAME=$path" \
    "E: SUBSYSTEM=tty" \
    "E: ID_BUS=usb" \
    "E: ID_VENDOR=Particle" \
    "E: ID_VENDOR_ENC=Particle" \
    "E: ID_VENDOR_ID=2b04" \
    "E: ID_MODEL=$model" \
    "E: ID_MODEL_ENC=$model" \
    "E: ID_MODEL_ID=$pid" \
    "E: ID_SERIAL=Particle_${model}_$serial" \
    "E: ID_SERIAL_SHORT=$serial" \
    "E: ID_USB_INTERFACE_NUM=00" \
    "E: ID_USB_DRIVER=cdc_acm" \
    "E: DEVLINKS=/dev/serial/by-id/$byid" \
    ""
UDEVADM
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
