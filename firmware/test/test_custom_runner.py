# `test_framework = custom`: PlatformIO's GoogleTest output parser without its
# EXTRA_LIB_DEPS, which would make every `pio run`/`pio test` fetch googletest from the
# PlatformIO registry. Host builds link Debian's GoogleTest (libgtest-dev).
from platformio.test.runners.googletest import GoogletestTestRunner


class CustomTestRunner(GoogletestTestRunner):
    EXTRA_LIB_DEPS = None

    def configure_build_env(self, env):
        if "BOARD" not in env:
            env.Append(LIBS=["gtest_main", "gtest", "pthread"])
        return env
