#pragma once
// mbedTLS allocates bignums and contexts through calloc/free. The firmware has no heap, so
// they come from one static arena (MBEDTLS_MEMORY_BUFFER_ALLOC_C). Every user frees all it
// took when it returns, so the arena is empty between operations.
#include <cstddef>

// Every firmware file that uses mbedTLS includes this header. mbedTLS itself reaches
// the configuration only through a macro, so this literal include is what lets the build
// see that those files depend on it.
#include "harken_mbedtls_config.h"

namespace core {

// Measured peaks on the 64-bit host (larger block headers than the Cortex-M3's): RSA-1024
// key generation ~4 KB, a blinded PKCS#1 decryption ~6 KB, block headers included.
constexpr std::size_t kMbedtlsArenaSize = 12 * 1024;

// Hands the arena to mbedTLS on first call; later calls do nothing. Call before any
// mbedTLS function that may allocate.
void use_mbedtls_arena();

}  // namespace core
