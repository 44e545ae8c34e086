# library.json extraScript, run by PlatformIO in this library's build environment.
# ruff: noqa: F821 (Import() defines env and pio_lib_builder, as SCons scripts do)
import os
import sys

Import("env", "pio_lib_builder")

# The sources are Debian's mbedTLS package, extracted by .ci/setup and never committed.
if not os.path.isfile(os.path.join(pio_lib_builder.include_dir, "mbedtls", "version.h")):
    where = os.path.relpath(pio_lib_builder.src_dir, env.subst("$PROJECT_DIR"))
    sys.stderr.write(f"Error: mbedTLS sources are missing ({where}): run .ci/setup\n")
    env.Exit(1)

# mbedTLS includes our configuration through a macro (#include MBEDTLS_CONFIG_FILE), which
# SCons's include scanner cannot follow: make every object depend on it explicitly.
config = env.File(os.path.join(pio_lib_builder.path, "config", "harken_mbedtls_config.h"))


def depend_on_config(build_env: object, source: object) -> object:
    return build_env.Depends(build_env.Object(source), config)


env.AddBuildMiddleware(depend_on_config)
