/* mbedTLS 2.28 configuration for harken: only what the device key needs (RSA-1024 key
 * generation and PKCS#1 v1.5 decryption, AES-128-CBC for the EAP-TLS key transport), a
 * CTR_DRBG fed by our hal::Entropy, and every allocation from one static arena. */
#ifndef HARKEN_MBEDTLS_CONFIG_H
#define HARKEN_MBEDTLS_CONFIG_H

/* Bignum inline assembly where mbedTLS has it for the target (Cortex-M3 umlal, x86-64). */
#define MBEDTLS_HAVE_ASM

/* No C library allocator, time or stdio: the arena (mbedtls_arena.cpp) installs the only
 * calloc/free before first use; until then mbedTLS's stubs fail every allocation. */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_MEMORY_ALIGN_MULTIPLE 8   /* 4 misaligns the arena's blocks on 64-bit hosts */
/* Only OID-to-text formatting prints, and the firmware never calls it. */
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO snprintf
/* A corrupted arena is a firmware bug: stop there rather than in newlib's exit(). */
#define MBEDTLS_PLATFORM_EXIT_MACRO harken_mbedtls_halt
#ifdef __cplusplus
extern "C"
#endif
void harken_mbedtls_halt(int status);

/* RSA: keys generated on the device, PKCS#1 v1.5 only (what Particle's hosts send). */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_GENPRIME
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_OID_C                 /* required by RSA_C */
#define MBEDTLS_ASN1_PARSE_C          /* reading the stored PKCS#1 key */
#define MBEDTLS_MD_C                  /* RSA's signing path refers to it */

/* Random numbers: CTR_DRBG over an entropy pool with our own source only. */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_MAX_SOURCES 2
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_SHA256_C              /* entropy accumulator */
#define MBEDTLS_SHA256_SMALLER        /* hashes a few dozen bytes per operation */

/* Symmetric: AES-128-CBC for `ek`/`key`; AES also drives CTR_DRBG. Tables in flash (RAM
 * is the scarcer resource on the STM32F205), and only one of each four: the firmware
 * encrypts a few blocks per operation, so table size matters more than speed. */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_CIPHER_MODE_CBC

#include "mbedtls/check_config.h"

#endif /* HARKEN_MBEDTLS_CONFIG_H */
