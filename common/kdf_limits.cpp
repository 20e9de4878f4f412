#include "kdf_limits.h"

namespace keypipe {
namespace {
KdfLimits limits;
}

const KdfLimits& kdf_limits() { return limits; }

void relax_kdf_limits() {
    constexpr uint64_t factor = 16;
    limits.bcrypt_rounds *= factor;
    limits.pbkdf2_iterations *= factor;
    limits.scrypt_memory_bytes *= factor;
    limits.scrypt_work *= factor;
    limits.argon2_memory_kib *= factor;
    limits.argon2_passes *= factor;
    limits.argon2_parallelism *= factor;
    limits.argon2_work_kib_passes *= factor;
}

}  // namespace keypipe
