// Replays protocol/firmware-update/vectors.json against the core's update checks: every
// image's verdict, validity bits and installed length.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/update_validation.hpp"
#include "vector_file.hpp"

using nlohmann::json;

namespace {

class Bytes final : public core::ByteSource {
public:
    explicit Bytes(std::vector<std::uint8_t> data) : data_(std::move(data)) {}
    std::uint32_t size() const { return static_cast<std::uint32_t>(data_.size()); }
    bool read(std::uint32_t offset, std::uint8_t* dst, std::size_t len) override {
        if (offset > data_.size() || len > data_.size() - offset) return false;
        std::copy_n(data_.begin() + offset, len, dst);
        return true;
    }

private:
    std::vector<std::uint8_t> data_;
};

}  // namespace

TEST(UpdateVectors, EveryImageGetsTheDevicesVerdict) {
    const json doc = golden::load("protocol/firmware-update/vectors.json");
    ASSERT_GE(doc["cases"].size(), 20u);
    for (const json& c : doc["cases"]) {
        const json& t = c["target"];
        core::ModulePrefix installed{};
        const bool has_installed = !t["installed"].is_null();
        if (has_installed) {
            installed.function = t["installed"][0].get<std::uint8_t>();
            installed.index = t["installed"][1].get<std::uint8_t>();
            installed.version = t["installed"][2].get<std::uint16_t>();
        }
        const core::UpdateTarget target{
            t["platform_id"].get<std::uint16_t>(),
            {t["slot_start"].get<std::uint32_t>(), t["slot_size"].get<std::uint32_t>()},
            has_installed ? &installed : nullptr, t["product_id"].get<std::uint16_t>()};
        Bytes file(golden::from_hex(c["image"].get<std::string>()));
        core::CheckedModule module;
        const int code = core::check_module(file, file.size(), target, &module);
        const json& e = c["expect"];
        const std::string name = c["name"].get<std::string>();
        EXPECT_EQ(code, e["code"].get<int>()) << name;
        if (code == core::update_error::module_not_found) continue;
        EXPECT_EQ(module.checked, e["checked"].get<int>()) << name;
        EXPECT_EQ(module.passed, e["passed"].get<int>()) << name;
        EXPECT_EQ(module.length, e["length"].get<std::uint32_t>()) << name;
    }
}
