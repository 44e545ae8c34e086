# `test_framework = custom`: PlatformIO's GoogleTest output parser without its
# EXTRA_LIB_DEPS, which would make every `pio run`/`pio test` fetch googletest from the
# PlatformIO registry. Host builds link Debian's GoogleTest (libgtest-dev); Cortex-M builds
# (`pio test -e qemu`) compile its sources (/usr/src/googletest) into the test image, which
# runs in QEMU netduino2 with semihosting (`test_testing_command` in platformio.ini).
import os

from platformio.test.runners.googletest import GoogletestTestRunner

GTEST_ROOT = "/usr/src/googletest/googletest"
NLOHMANN_JSON = "/usr/include/nlohmann"  # header-only; /usr/include itself is the host's


class CustomTestRunner(GoogletestTestRunner):
    EXTRA_LIB_DEPS = None

    def configure_build_env(self, env):
        if "BOARD" not in env:
            env.Append(LIBS=["gtest_main", "gtest", "pthread"])
        else:
            configure_cortex_m(env)
        return env


def configure_cortex_m(env):
    # Bare metal, newlib: no threads, no POSIX regex, no stream capture (so no death tests,
    # which gtest-port.h only enables for hosted OSes anyway), no exceptions, no RTTI.
    defines = ["JSON_NOEXCEPTION", ("GTEST_HAS_PTHREAD", 0), ("GTEST_HAS_POSIX_RE", 0),
               ("GTEST_HAS_STREAM_REDIRECTION", 0)]
    # nlohmann/json.hpp through a directory holding only it, never /usr/include (glibc).
    shim = os.path.join(env.subst("$BUILD_DIR"), "host_headers")
    os.makedirs(shim, exist_ok=True)
    link = os.path.join(shim, "nlohmann")
    if not os.path.islink(link):
        os.symlink(NLOHMANN_JSON, link)
    for required in (os.path.join(GTEST_ROOT, "src", "gtest-all.cc"),
                     os.path.join(NLOHMANN_JSON, "json.hpp")):
        if not os.path.isfile(required):
            raise FileNotFoundError(f"{required} is missing: run .ci/setup")
    # -Wno-psabi: std::map's "parameter passing changed in GCC 7.1" notes (one ABI here).
    env.Append(CPPDEFINES=defines, CPPPATH=[os.path.join(GTEST_ROOT, "include"), shim],
               CCFLAGS=["-Wno-psabi"])

    gtest = env.Clone()
    # newlib's <limits.h> has no PATH_MAX (gtest sizes its getcwd() buffer with it).
    gtest.Append(CPPPATH=[GTEST_ROOT], CPPDEFINES=[("PATH_MAX", 256)], CCFLAGS=["-w"])
    env.Append(LIBS=[gtest.BuildLibrary(os.path.join("$BUILD_DIR", "googletest"),
                                        os.path.join(GTEST_ROOT, "src"), ["+<gtest-all.cc>"])])
    # The image's main(): run the tests, hand the verdict to QEMU's exit status.
    env.BuildSources(os.path.join("$BUILD_DIR", "qemu_test_main"),
                     os.path.join("$PROJECT_TEST_DIR", "qemu"))
