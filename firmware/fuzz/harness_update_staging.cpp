// Update staging driven directly, in any order the input picks: headers of any size, blocks
// at any offset, ends of batch and aborts. Only a file that was begun and is still being
// received may be checked and queued, and writes stay inside the announced file.
#include "core/update_staging.hpp"
#include "device_rig.hpp"
#include "fuzz_support.hpp"

namespace {

fuzz::UpdateStore g_store;
fuzz::Log g_log;
std::uint8_t g_block[1024];

void run(const std::uint8_t* data, std::size_t size) {
    fuzz::Input in(data, size);
    g_store.clear();
    const std::uint8_t setup = in.byte();
    core::UpdateStaging staging(setup & 1 ? nullptr : &g_store, g_log);
    static const core::ModulePrefix kInstalled{};
    staging.set_target({static_cast<std::uint16_t>(setup & 2 ? 10 : 6), g_store.slot,
                        setup & 4 ? &kInstalled : nullptr,
                        static_cast<std::uint16_t>(setup & 8 ? 1234 : core::kNoProduct)});
    fuzz::NoHeap no_heap;
    while (!in.empty()) {
        const std::uint8_t op = in.byte();
        switch (op & 3) {
            case 0: {
                // Sizes around the store's capacity and small ones, as headers announce.
                const std::uint32_t n = op & 4 ? in.u32() : in.u16();
                const bool took = staging.begin("f.bin", n);
                FUZZ_CHECK(took == staging.receiving());
                FUZZ_CHECK(!took || (n > 0 && n <= g_store.capacity()));
                break;
            }
            case 1: {
                const std::uint32_t offset = op & 4 ? in.u32() : in.u16();
                const std::size_t len = op & 8 ? 1024 : 128;
                const std::uint8_t* p;
                const std::size_t k = in.take(len, &p);
                std::memset(g_block, 0, sizeof g_block);
                std::memcpy(g_block, p, k);
                staging.write(offset, g_block, len);
                break;
            }
            case 2: {
                const bool was_receiving = staging.receiving();
                const bool queued_before = g_store.queued;
                const std::uint32_t n = op & 4 ? in.u32() : g_store.size;
                const int code = staging.finish(n);
                FUZZ_CHECK(!staging.receiving());
                // Queued only by the check of a file still being received.
                FUZZ_CHECK(code != 0 || was_receiving);
                FUZZ_CHECK(!g_store.queued || queued_before || code == 0);
                break;
            }
            default:
                staging.abort();
                FUZZ_CHECK(!staging.receiving() && !g_store.queued);
                break;
        }
    }
}

}  // namespace

HARKEN_FUZZ_HARNESS("update_staging", nullptr, run);
