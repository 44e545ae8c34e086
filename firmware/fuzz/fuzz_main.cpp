// libFuzzer's entry points for the one program that holds every harness: the program's name
// (fuzz_<harness>, the links the build makes) or HARKEN_FUZZ_TARGET picks the harness.
#include <sanitizer/allocator_interface.h>
#include <sanitizer/common_interface_defs.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fuzz_support.hpp"

namespace fuzz {
namespace {

struct Registration {
    const char* name;
    InitFn init;
    RunFn run;
};
// Constant-initialised, so registration from other files' static initialisers is safe.
Registration g_harnesses[32];
std::size_t g_count = 0;
const Registration* g_selected = nullptr;
// Per thread: libFuzzer's own threads (the RSS and timeout watchers) may allocate at any
// time; only the thread running the harness is watched.
thread_local volatile int g_no_heap = 0;

std::size_t g_heap_violation = 0;   // bytes of the first allocation under NoHeap

// Only records (and shows where): aborting here would leave libFuzzer's crash handler, which
// allocates, under the guard. LLVMFuzzerTestOneInput aborts once the harness has returned.
void on_malloc(const volatile void*, std::size_t size) {
    if (!g_no_heap) return;
    g_no_heap = 0;   // the report below must not recurse
    g_heap_violation = size ? size : 1;
    char text[96];
    const int n = std::snprintf(text, sizeof text,
                                "harken fuzz: the core allocated %zu bytes on the heap\n", size);
    if (n > 0) (void)!write(2, text, static_cast<std::size_t>(n));
    __sanitizer_print_stack_trace();
}

// The sanitizer refuses a malloc hook without a free hook.
void on_free(const volatile void*) {}

const char* harness_name(const char* argv0) {
    const char* env = std::getenv("HARKEN_FUZZ_TARGET");
    if (env && *env) return env;
    const char* base = std::strrchr(argv0, '/');
    base = base ? base + 1 : argv0;
    return std::strncmp(base, "fuzz_", 5) == 0 ? base + 5 : base;
}

std::uint8_t g_key[1024];
std::size_t g_key_len = 0;

int nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void load_vector_key() {
    FILE* f = std::fopen(HARKEN_REPO_DIR "/protocol/softap/crypto-vectors.json", "rb");
    if (!f) return;
    static char text[65536];
    const std::size_t n = std::fread(text, 1, sizeof text - 1, f);
    std::fclose(f);
    text[n] = 0;
    const char* at = std::strstr(text, "\"private_key_der\"");
    if (!at || !(at = std::strchr(at + 17, '"'))) return;
    for (++at; g_key_len < sizeof g_key && nibble(at[0]) >= 0 && nibble(at[1]) >= 0; at += 2)
        g_key[g_key_len++] = static_cast<std::uint8_t>(nibble(at[0]) << 4 | nibble(at[1]));
}

// Not a harness: proves the chain that reports findings works (tests/test_fuzz_harnesses.py).
// "heap" allocates under NoHeap, "ub" overflows a signed int, "oob" reads past the input,
// "check" breaks an invariant; anything else passes.
void selftest(const std::uint8_t* data, std::size_t size) {
    auto is = [&](const char* word) {
        return size == std::strlen(word) && std::memcmp(data, word, size) == 0;
    };
    volatile int big = 0x7FFFFFFF;
    if (is("heap")) {
        NoHeap no_heap;
        void* (*volatile allocate)(std::size_t) = std::malloc;  // not elided like new/delete
        std::free(allocate(size));
    } else if (is("ub")) {
        big = big + static_cast<int>(size);
    } else if (is("oob")) {
        big = data[size];
    } else if (is("check")) {
        FUZZ_CHECK(size == 0);
    }
}
const bool selftest_registered = register_harness("selftest", nullptr, selftest);

}  // namespace

bool register_harness(const char* name, InitFn init, RunFn run) {
    if (g_count == sizeof g_harnesses / sizeof g_harnesses[0]) std::abort();
    g_harnesses[g_count++] = {name, init, run};
    return true;
}

NoHeap::NoHeap() { g_no_heap = !g_heap_violation; }
NoHeap::~NoHeap() { g_no_heap = 0; }
void heap_guard_off() { g_no_heap = 0; }

const std::uint8_t* vector_key_der(std::size_t* len) {
    *len = g_key_len;
    return g_key_len ? g_key : nullptr;
}

}  // namespace fuzz

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** argv) {
    using namespace fuzz;
    const char* name = harness_name((*argv)[0]);
    for (std::size_t i = 0; i < g_count; ++i)
        if (std::strcmp(g_harnesses[i].name, name) == 0) g_selected = &g_harnesses[i];
    if (!g_selected) {
        std::fprintf(stderr, "harken fuzz: no harness '%s'; run as fuzz_<name> or set "
                             "HARKEN_FUZZ_TARGET to one of:", name);
        for (std::size_t i = 0; i < g_count; ++i) std::fprintf(stderr, " %s", g_harnesses[i].name);
        std::fprintf(stderr, "\n");
        std::exit(2);
    }
    if (!__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free)) {
        std::fprintf(stderr, "harken fuzz: cannot install the malloc hook\n");
        std::exit(2);
    }
    load_vector_key();
    if (g_selected->init) g_selected->init();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::g_heap_violation = 0;
    fuzz::g_selected->run(data, size);
    if (fuzz::g_heap_violation) std::abort();   // reported where it happened
    return 0;
}
