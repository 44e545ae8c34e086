#!/usr/bin/env python3
"""Run PlatformIO without its registry: only PyPI is needed, and only once.

Core fetches the `tool-scons` package on the first `pio run`; `ensure_tool_scons()` builds the
same package from PyPI's `scons` (copied from the active venv when the right version is
installed there, else `pip install --target`).  `platform.py` calls it on every build.
Run directly from anywhere in the project (`python firmware/platform/offline.py`) it also turns
off telemetry and the weekly upgrade check, which stalls for a minute without network.
Idempotent.
"""
import os
import sys

if __name__ == "__main__":  # our sibling platform.py would shadow the stdlib `platform`
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]

import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402


def required_versions():
    """(package version, scons version) that this PlatformIO Core asks for."""
    try:  # PlatformIO >= 6.1.8
        from platformio.dependencies import get_core_dependencies
        spec = get_core_dependencies()["tool-scons"]
    except ImportError:
        from platformio import __core_packages__
        spec = __core_packages__["tool-scons"]
    # "~4.41101.0" encodes SCons 4.11.1
    m = re.search(r"(\d+)\.(\d)(\d\d)(\d\d)\.(\d+)", spec)
    return "%s.%s%s%s.%s" % m.groups(), "%s.%d.%d" % (m[1], int(m[3]), int(m[4]))


def ensure_tool_scons(packages_dir):
    pkg_version, scons_version = required_versions()
    dst = os.path.join(packages_dir, "tool-scons")
    manifest = os.path.join(dst, "package.json")
    if os.path.isfile(manifest):
        with open(manifest, encoding="utf8") as fp:
            if json.load(fp).get("version") == pkg_version:
                return dst
    shutil.rmtree(dst, ignore_errors=True)
    try:
        import SCons
        if SCons.__version__ != scons_version:
            raise ImportError(SCons.__version__)
        shutil.copytree(os.path.dirname(SCons.__file__), os.path.join(dst, "SCons"),
                        ignore=shutil.ignore_patterns("__pycache__"))
    except ImportError:
        print("Installing tool-scons %s from PyPI scons==%s" % (pkg_version, scons_version))
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet",
                               "--disable-pip-version-check", "--no-deps", "--no-compile",
                               "--target", dst, "scons==" + scons_version])
    with open(os.path.join(dst, "scons.py"), "w", encoding="utf8") as fp:
        fp.write("import os, sys\n"
                 "sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\n"
                 "import SCons.Script\nSCons.Script.main()\n")
    with open(manifest, "w", encoding="utf8") as fp:
        json.dump({"name": "tool-scons", "version": pkg_version}, fp)
    # Core finds core packages by the owner recorded in .piopm
    with open(os.path.join(dst, ".piopm"), "w", encoding="utf8") as fp:
        json.dump({"type": "tool", "name": "tool-scons", "version": pkg_version,
                   "spec": {"owner": "platformio", "id": None, "name": "tool-scons",
                            "requirements": None, "uri": None}}, fp)
    return dst


def main():
    top = os.path.dirname(os.path.abspath(__file__))
    while not os.path.isfile(os.path.join(top, "platformio.ini")):
        top, prev = os.path.dirname(top), top
        if top == prev:
            sys.exit("platformio.ini not found above " + __file__)
    os.chdir(top)
    from platformio import app
    from platformio.project.config import ProjectConfig
    print(ensure_tool_scons(ProjectConfig.get_instance().get("platformio", "packages_dir")))
    app.set_setting("enable_telemetry", False)
    app.set_setting("check_platformio_interval", 36500)  # days


if __name__ == "__main__":
    main()
