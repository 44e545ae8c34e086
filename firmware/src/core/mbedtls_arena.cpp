#include "core/mbedtls_arena.hpp"

#include "mbedtls/memory_buffer_alloc.h"

namespace core {
namespace {

alignas(8) unsigned char arena[kMbedtlsArenaSize];
bool installed = false;

}  // namespace

void use_mbedtls_arena() {
    if (installed) return;
    mbedtls_memory_buffer_alloc_init(arena, sizeof arena);
    installed = true;
}

}  // namespace core

// mbedTLS's exit(), reached only when the arena's bookkeeping is corrupted: a firmware bug
// that must stop here (newlib's exit would also drag in its own allocator).
extern "C" void harken_mbedtls_halt(int) { __builtin_trap(); }
