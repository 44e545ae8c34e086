#include "file_update_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace native {
namespace {

void path_in(char* dst, std::size_t size, const char* dir, const char* name) {
    std::snprintf(dst, size, "%s/%s", dir, name);
}

bool sync_dir(const char* dir) {
    const int fd = ::open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = fsync(fd) == 0;
    ::close(fd);
    return ok;
}

// A file read as a module: the installer's and the describer's view of a path.
class FileBytes final : public core::ByteSource {
public:
    explicit FileBytes(const char* path) : fd_(::open(path, O_RDONLY | O_CLOEXEC)) {}
    ~FileBytes() override {
        if (fd_ >= 0) ::close(fd_);
    }
    bool open() const { return fd_ >= 0; }
    std::uint32_t size() const {
        const off_t end = fd_ >= 0 ? lseek(fd_, 0, SEEK_END) : -1;
        return end > 0 && end < 0x7FFFFFFF ? static_cast<std::uint32_t>(end) : 0;
    }
    bool read(std::uint32_t offset, std::uint8_t* dst, std::size_t len) override {
        return pread(fd_, dst, len, offset) == static_cast<ssize_t>(len);
    }

private:
    int fd_;
};

bool copy_prefix(const char* from, const char* to, std::uint32_t length) {
    const int in = ::open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) return false;
    const int out = ::open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = out >= 0;
    std::uint8_t chunk[4096];
    for (std::uint32_t at = 0; ok && at < length;) {
        const std::size_t n = length - at < sizeof chunk ? length - at : sizeof chunk;
        ok = pread(in, chunk, n, at) == static_cast<ssize_t>(n) &&
             pwrite(out, chunk, n, at) == static_cast<ssize_t>(n);
        at += static_cast<std::uint32_t>(n);
    }
    ok = ok && fsync(out) == 0;
    if (out >= 0) ::close(out);
    ::close(in);
    return ok;
}

}  // namespace

FileUpdateStore::FileUpdateStore(const char* state_dir, hal::FlashSlot slot,
                                 ProcessControl& control)
    : slot_(slot), control_(control) {
    std::snprintf(dir_, sizeof dir_, "%s", state_dir);
    path_in(staged_, sizeof staged_, state_dir, "ota.bin");
    path_in(pending_, sizeof pending_, state_dir, "ota.pending");
    path_in(installed_, sizeof installed_, state_dir, "firmware.bin");
    path_in(temporary_, sizeof temporary_, state_dir, "firmware.bin.new");
}

void FileUpdateStore::close_staged() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

bool FileUpdateStore::begin(std::uint32_t size) {
    if (size > slot_.size) return false;
    unlink(pending_);  // a new transfer replaces whatever was queued
    close_staged();
    fd_ = ::open(staged_, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    return fd_ >= 0;
}

bool FileUpdateStore::write(std::uint32_t offset, const std::uint8_t* data, std::size_t len) {
    if (fd_ < 0 || offset > slot_.size || len > slot_.size - offset) return false;
    return pwrite(fd_, data, len, offset) == static_cast<ssize_t>(len);
}

bool FileUpdateStore::read(std::uint32_t offset, std::uint8_t* dst, std::size_t len) {
    if (fd_ < 0) return false;
    return pread(fd_, dst, len, offset) == static_cast<ssize_t>(len);
}

bool FileUpdateStore::queue_install(std::uint32_t length) {
    if (fd_ < 0 || fsync(fd_) != 0) return false;
    char tmp[kMaxPath + 8];
    std::snprintf(tmp, sizeof tmp, "%s.new", pending_);
    FILE* f = std::fopen(tmp, "w");
    if (!f) return false;
    const bool written = std::fprintf(f, "%u\n", static_cast<unsigned>(length)) > 0 &&
                         std::fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (std::fclose(f) != 0 || !written) return false;
    return std::rename(tmp, pending_) == 0 && sync_dir(dir_);
}

void FileUpdateStore::discard() {
    unlink(pending_);
    close_staged();
    unlink(staged_);
}

void FileUpdateStore::install_pending(std::uint16_t platform_id, hal::EventLog& log) {
    FILE* f = std::fopen(pending_, "r");
    if (!f) return;
    unsigned length = 0;
    const bool parsed = std::fscanf(f, "%u", &length) == 1;
    std::fclose(f);
    close_staged();
    // The bootloader's own checks before it copies (module-format.md §10.1): the CRC, and a
    // destination that is the slot's start.
    bool ok = false;
    {
        FileBytes staged(staged_);
        if (parsed && staged.open() && length <= staged.size()) {
            core::CheckedModule module;
            const core::UpdateTarget target{platform_id, slot_, nullptr, core::kNoProduct};
            core::check_module(staged, length, target, &module);
            using namespace core::module_check;
            ok = (module.passed & (integrity | range)) == (integrity | range) &&
                 module.length == length;
        }
    }
    ok = ok && copy_prefix(staged_, temporary_, length) &&
         std::rename(temporary_, installed_) == 0 && sync_dir(dir_);
    unlink(pending_);
    log.event("bootloader", ok ? "installed the update"
                               : "the queued update did not check out; kept the old image");
}

bool FileUpdateStore::describe_installed(std::uint16_t platform_id, core::RunningImage* image) {
    FileBytes file(installed_);
    if (!file.open()) return false;
    core::CheckedModule module;
    const core::UpdateTarget target{platform_id, slot_, nullptr, core::kNoProduct};
    if (core::check_module(file, file.size(), target, &module) ==
        core::update_error::module_not_found)
        return false;
    image->prefix = module.prefix;
    image->integrity = module.passed & core::module_check::integrity ? core::ImageIntegrity::intact
                                                                      : core::ImageIntegrity::corrupt;
    image->slot_start = slot_.start;
    image->slot_size = slot_.size;
    // An image without product data runs with Device OS's defaults (product-id.md §4.1).
    image->product_id = module.product_id == core::kNoProduct ? platform_id : module.product_id;
    image->product_version = module.product_version;
    std::memcpy(image->sha256, module.sha256, sizeof image->sha256);
    image->has_sha = true;
    return true;
}

}  // namespace native
