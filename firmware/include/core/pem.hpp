#pragma once
// PEM to DER: the base64 body between the first -----BEGIN and its -----END line.
#include <cstddef>
#include <cstdint>

namespace core {

// Returns the DER length, or 0 when the text is not one PEM block or does not fit.
std::size_t pem_to_der(const char* pem, std::size_t len, std::uint8_t* out, std::size_t max);

}  // namespace core
