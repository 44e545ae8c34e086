# SCons build script of the project-local "harken" dev-platform.
# Host envs (no `board`): gcc/g++ from PATH (or custom_host_cc/cxx, e.g. clang for fuzzing).
# Cortex-M envs (`board = ...`): Debian's arm-none-eabi-* from PATH, or PlatformIO's
# toolchain package when an online user opts in through platform_packages.
import os
import sys

from platformio.compat import load_python_module
from SCons.Script import AlwaysBuild, Builder, Default, DefaultEnvironment

env = DefaultEnvironment()
platform = env.PioPlatform()
module_image = load_python_module(
    "harken_module_image", os.path.join(platform.get_dir(), "builder", "module_image.py"))


def product_defines(env):
    """custom_product_id / custom_product_version of the env as HARKEN_PRODUCT_ID /
    HARKEN_PRODUCT_VERSION. Unset, the firmware's defaults apply: the platform id and
    0xFFFF, Device OS's "not a product" (product-id.md §4.1)."""
    defines = []
    for option, macro in (("custom_product_id", "HARKEN_PRODUCT_ID"),
                          ("custom_product_version", "HARKEN_PRODUCT_VERSION")):
        raw = str(env.GetProjectOption(option, "")).strip()
        if not raw:
            continue
        try:
            value = int(raw, 0)
        except ValueError:
            value = -1
        if not 0 <= value <= 0xFFFF:
            sys.stderr.write("Error: %s = %s is not a number from 0 to 65535\n" % (option, raw))
            env.Exit(1)
        defines.append((macro, value))
    return defines


def stamp_module(target, source, env):
    """The .bin's SHA-256 and CRC-32, also written into the ELF (builder/module_image.py)."""
    try:
        sha, crc = module_image.stamp(target[0].get_abspath(), source[0].get_abspath())
    except (module_image.ModuleImageError, OSError) as error:
        sys.stderr.write("Error: not a valid Particle module: %s\n" % error)
        return 1
    print("Module SHA-256 %s, CRC-32 %08X" % (sha, crc))
    return 0


if "BOARD" not in env:
    env.Replace(CC=env.GetProjectOption("custom_host_cc", "gcc"),
                CXX=env.GetProjectOption("custom_host_cxx", "g++"),
                AR="ar", AS="as", OBJCOPY="objcopy", RANLIB="ranlib", SIZETOOL="size",
                SIZEPRINTCMD="$SIZETOOL $SOURCES")
    program = env.BuildProgram()
    AlwaysBuild(env.Alias("exec", program,
                          env.VerboseAction("$SOURCE $PROGRAM_ARGS", "Executing $SOURCE")))
    AlwaysBuild(env.Alias("size", program, env.VerboseAction("$SIZEPRINTCMD", "Size")))
    Default([program])
else:
    board = env.BoardConfig()
    toolchain = platform.get_package_dir("toolchain-gccarmnoneeabi")
    if toolchain:
        env.PrependENVPath("PATH", os.path.join(toolchain, "bin"))
    prefix = "arm-none-eabi-"
    env.Replace(
        AR=prefix + "gcc-ar", AS=prefix + "as", CC=prefix + "gcc", CXX=prefix + "g++",
        OBJCOPY=prefix + "objcopy", RANLIB=prefix + "gcc-ranlib", SIZETOOL=prefix + "size",
        ARFLAGS=["rc"], PROGNAME="firmware", PROGSUFFIX=".elf",
        SIZEPROGREGEXP=r"^(?:\.isr_vector|\.modinfo|\.module_end|\.text|\.data|\.rodata|\.ARM.exidx|\.init_array)\s+(\d+).*",
        SIZEDATAREGEXP=r"^(?:\.data|\.bss|\.noinit|\.stack)\s+(\d+).*",
        SIZECHECKCMD="$SIZETOOL -A -d $SOURCES",
        SIZEPRINTCMD="$SIZETOOL -B -d $SOURCES",
    )
    ld_dir = os.path.join(platform.get_dir(), "ldscripts")
    ldscript = env.subst(env.get("LDSCRIPT_PATH", ""))
    # Unit-test images may run on a roomier QEMU machine than the firmware (board.json:
    # debug.qemu_test_machine / qemu_test_ldscript / qemu_test_ram).
    testing = "test" in env.subst("$BUILD_TYPE")
    if testing and board.get("debug.qemu_test_ldscript", ""):
        ldscript = board.get("debug.qemu_test_ldscript")
        board.update("upload.maximum_size", int(board.get("debug.qemu_test_flash")))
        board.update("upload.maximum_ram_size", int(board.get("debug.qemu_test_ram")))
    if not os.path.isfile(os.path.join(env.subst("$PROJECT_DIR"), ldscript)):
        ldscript = os.path.join(ld_dir, ldscript)
    env.Replace(LDSCRIPT_PATH=ldscript)
    # GNU ld resolves INCLUDE only through -L paths given before -T; an explicit -Wl,-T
    # also keeps PlatformIO from prepending its own -T.
    env.Append(LINKFLAGS=["-L" + ld_dir, "-Wl,-T," + ldscript])
    cpu = ["-mcpu=%s" % board.get("build.cpu"), "-mthumb"]
    # Unit-test images (`pio test`) run under QEMU with semihosting: newlib's stdio and
    # files go to the host through librdimon (and they may use the heap). Firmware images
    # keep libnosys: no semihosting call can reach a real board.
    syscalls = "rdimon" if testing else "nosys"
    env.Append(
        ASFLAGS=cpu, ASPPFLAGS=["-x", "assembler-with-cpp"],
        CCFLAGS=cpu + ["-Os", "-ffunction-sections", "-fdata-sections"],
        CXXFLAGS=["-fno-rtti", "-fno-exceptions", "-fno-threadsafe-statics",
                  "-fno-use-cxa-atexit"],
        CPPDEFINES=[("F_CPU", "$BOARD_F_CPU")],
        LINKFLAGS=cpu + ["-Wl,--gc-sections", "-nostartfiles",
                         "--specs=nano.specs", f"--specs={syscalls}.specs"],
        LIBS=["c", "gcc", "m", "stdc++", syscalls],
    )
    env.Append(CPPDEFINES=product_defines(env))
    env.Append(BUILDERS=dict(ElfToBin=Builder(
        action=env.VerboseAction("$OBJCOPY -O binary $SOURCES $TARGET", "Building $TARGET"),
        suffix=".bin")))
    elf = env.BuildProgram()
    image = env.ElfToBin(os.path.join("$BUILD_DIR", "${PROGNAME}"), elf)
    if not testing:  # unit-test images run on mps2-an385 and are no Particle modules
        env.AddPostAction(image, env.VerboseAction(stamp_module, "Sealing module $TARGET"))
    env.Depends(image, "checkprogsize")
    env.Alias("buildprog", image, image)
    AlwaysBuild(env.Alias("size", elf, env.VerboseAction("$SIZEPRINTCMD", "Size")))
    machine = board.get("debug.qemu_machine", "")
    if machine:
        AlwaysBuild(env.Alias("exec", elf, env.VerboseAction(
            "qemu-system-arm -M %s -nographic -semihosting -kernel $SOURCE" % machine,
            "Running $SOURCE in QEMU")))
    Default([image])
