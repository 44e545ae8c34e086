# `pre:` extra script of env:fuzz (platformio.ini): the harnesses of this folder built into
# the core's program, sanitizers on the link too, and one fuzz_<harness> link per harness.
# ruff: noqa: F821 (Import() defines env, as SCons scripts do)
import glob
import os
import shlex

Import("env")

here = os.path.join(env.subst("$PROJECT_DIR"), "firmware", "fuzz")

# build_flags reach the compiler only; -fsanitize=fuzzer must also link libFuzzer's main().
flags = shlex.split(" ".join(env.GetProjectOption("build_flags", [])))
env.Append(LINKFLAGS=[f for f in flags if f.startswith(("-fsanitize", "-fno-sanitize"))])
# Objects made here use the global env, not the project sources' clone that PlatformIO
# gives the include paths (core, HAL, mbedTLS and its config): name them. The harnesses
# find the golden vectors' device key from any working directory.
project = env.subst("$PROJECT_DIR")
env.Append(
    CPPDEFINES=[("HARKEN_REPO_DIR", f'\\"{project}\\"')],
    CPPPATH=[
        here,
        "$PROJECT_INCLUDE_DIR",
        os.path.join(project, ".deps", "mbedtls", "include"),
        os.path.join(project, "firmware", "lib", "mbedtls", "config"),
    ],
)
env.Append(CCFLAGS=["-fsanitize-coverage-ignorelist=" + os.path.join(here, "coverage_ignore.txt")])
env.BuildSources(os.path.join("$BUILD_DIR", "fuzz"), here, "+<*.cpp>")

names = sorted(
    os.path.basename(p)[len("harness_") : -len(".cpp")]
    for p in glob.glob(os.path.join(here, "harness_*.cpp"))
)


def link_harnesses(target: list, source: list, env: object) -> None:
    program = target[0].get_abspath()
    for name in names:
        link = os.path.join(os.path.dirname(program), "fuzz_" + name)
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(os.path.basename(program), link)


env.AddPostAction(os.path.join("$BUILD_DIR", "${PROGNAME}${PROGSUFFIX}"), link_harnesses)
