#pragma once
// mbedTLS's CTR_DRBG over an entropy pool whose only source is a hal::Entropy. It supplies
// the randomness for key generation and the RSA blinding of every private-key operation.
#include <cstddef>

#include "core/mbedtls_arena.hpp"
#include "hal/entropy.hpp"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"

namespace core {

class SeededDrbg {
public:
    explicit SeededDrbg(hal::Entropy& source);
    ~SeededDrbg();
    SeededDrbg(const SeededDrbg&) = delete;
    SeededDrbg& operator=(const SeededDrbg&) = delete;

    // False when the entropy source failed: nothing random may be drawn then.
    bool seed(const char* purpose);

    // The (f_rng, p_rng) pair mbedTLS functions take.
    static int random(void* self, unsigned char* out, std::size_t len);
    void* context() { return this; }

private:
    static int poll(void* source, unsigned char* out, std::size_t len, std::size_t* olen);

    hal::Entropy& source_;
    mbedtls_entropy_context pool_;
    mbedtls_ctr_drbg_context drbg_;
};

}  // namespace core
