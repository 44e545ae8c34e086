// main() of the unit-test image for QEMU netduino2 (`pio test -e qemu`), started by the
// firmware's own startup (hal/stm32f2/startup.cpp). Output goes through newlib's semihosted
// stdio to QEMU's stdout, where PlatformIO parses it; golden vectors are read from the host
// (QEMU's working directory is the repository root); the result is QEMU's exit status.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <vector>

#include "../../src/hal/qemu/semihosting.hpp"

extern "C" {
void initialise_monitor_handles();  // librdimon: stdin/stdout/stderr

// What the start files (-nostartfiles) and librdimon leave out: the handle libstdc++
// registers its static destructors with, and mkdir (gtest's --gtest_output directories).
void* __dso_handle = &__dso_handle;
int mkdir(const char*, mode_t) {
    errno = ENOSYS;
    return -1;
}
}

int main() {
    initialise_monitor_handles();
    // QEMU's `-semihosting-config ...,arg=firmware.elf,arg=--gtest_filter=X` become argv.
    static char line[512];
    if (!qemu::command_line(line, sizeof line)) std::strcpy(line, "firmware.elf");
    std::vector<char*> argv;
    for (char* word = std::strtok(line, " "); word; word = std::strtok(nullptr, " "))
        argv.push_back(word);
    int argc = static_cast<int>(argv.size());
    argv.push_back(nullptr);
    testing::InitGoogleTest(&argc, argv.data());
    const int failed = RUN_ALL_TESTS();
    std::fflush(stdout);
    std::fflush(stderr);
    qemu::exit_emulator(failed ? 1 : 0);
}
