#pragma once
// Golden-vector files of protocol/, read by the core tests (pio runs them at the repository
// root), and the hex strings they carry.
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace golden {

inline nlohmann::json load(const char* path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

inline std::vector<std::uint8_t> from_hex(const std::string& hex) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

}  // namespace golden
