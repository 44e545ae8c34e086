// QEMU netduino2: no RCC model (clock set-up would hang), DCT in a semihosted host file,
// event log on QEMU's stderr through semihosting.
#include "../stm32f2/board_services.hpp"
#include "host_seed_entropy.hpp"
#include "semihosted_flash.hpp"
#include "semihosting.hpp"

namespace {

class SemihostedLog final : public hal::EventLog {
public:
    void event(const char* category, const char* text) override {
        qemu::write_stderr("[");
        qemu::write_stderr(category);
        qemu::write_stderr("] ");
        qemu::write_stderr(text);
        qemu::write_stderr("\n");
    }
};

}  // namespace

namespace board {

void init_clocks() {}

hal::Storage& dct_storage() {
    static qemu::SemihostedFlash flash;
    return flash;
}

hal::EventLog& event_log() {
    static SemihostedLog log;
    return log;
}

hal::Entropy& entropy() {
    static qemu::HostSeedEntropy seed;
    return seed;
}

}  // namespace board
