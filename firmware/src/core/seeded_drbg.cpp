#include "core/seeded_drbg.hpp"

#include <cstring>

#include "core/mbedtls_arena.hpp"

namespace core {

SeededDrbg::SeededDrbg(hal::Entropy& source) : source_(source) {
    use_mbedtls_arena();
    mbedtls_entropy_init(&pool_);
    mbedtls_ctr_drbg_init(&drbg_);
}

SeededDrbg::~SeededDrbg() {
    mbedtls_ctr_drbg_free(&drbg_);  // both zeroize their state
    mbedtls_entropy_free(&pool_);
}

int SeededDrbg::poll(void* source, unsigned char* out, std::size_t len, std::size_t* olen) {
    if (!static_cast<hal::Entropy*>(source)->fill(out, len)) {
        *olen = 0;
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    *olen = len;
    return 0;
}

bool SeededDrbg::seed(const char* purpose) {
    // Our source is the only one, so it must count as strong for the pool to release
    // anything; 32 bytes per gathering round, the SHA-256 accumulator's width.
    if (mbedtls_entropy_add_source(&pool_, &SeededDrbg::poll, &source_, 32,
                                   MBEDTLS_ENTROPY_SOURCE_STRONG) != 0)
        return false;
    const auto* custom = reinterpret_cast<const unsigned char*>(purpose);
    return mbedtls_ctr_drbg_seed(&drbg_, mbedtls_entropy_func, &pool_, custom,
                                 std::strlen(purpose)) == 0;
}

int SeededDrbg::random(void* self, unsigned char* out, std::size_t len) {
    return mbedtls_ctr_drbg_random(&static_cast<SeededDrbg*>(self)->drbg_, out, len);
}

}  // namespace core
