#include "kdf_limits.h"

#include "error.h"

namespace keypipe {

KdfMemoryBudget::Lease KdfMemoryBudget::reserve(uint64_t bytes) {
    if (bytes > total_)
        throw Error("a key derivation of " + std::to_string(bytes >> 20) + " MiB exceeds the memory budget of " +
                    std::to_string(total_ >> 20) + " MiB");
    std::unique_lock<std::mutex> lock(mutex_);
    released_.wait(lock, [&] { return free_ >= bytes; });
    free_ -= bytes;
    return Lease(this, bytes);
}

uint64_t KdfMemoryBudget::available() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return free_;
}

KdfMemoryBudget::Lease::~Lease() {
    if (!budget_) return;
    {
        std::lock_guard<std::mutex> lock(budget_->mutex_);
        budget_->free_ += bytes_;
    }
    budget_->released_.notify_all();
}

KdfLimits KdfLimits::relaxed(uint64_t factor) const {
    KdfLimits r = *this;
    r.bcrypt_rounds *= factor;
    r.pbkdf2_iterations *= factor;
    r.scrypt_memory_bytes *= factor;
    r.scrypt_work *= factor;
    r.argon2_memory_kib *= factor;
    r.argon2_passes *= factor;
    r.argon2_parallelism *= factor;
    r.argon2_work_kib_passes *= factor;
    r.memory = std::make_shared<KdfMemoryBudget>(memory->total() * factor);
    return r;
}

}  // namespace keypipe
