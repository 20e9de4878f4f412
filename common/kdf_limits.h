// Costs that an input file chooses for itself (KDF work factors) are capped before any
// work: a hostile or corrupted file must not cost minutes of CPU or gigabytes of memory.
// The defaults are far above what the peers write; --allow-costly-kdf raises them 16-fold
// for the rare legitimate file beyond them.
#pragma once

#include <cstdint>

namespace keypipe {

struct KdfLimits {
    uint64_t bcrypt_rounds = 1024;              // ssh-keygen writes 16 (-a 100 is common advice); 1024 ~ 10 s
    uint64_t pbkdf2_iterations = 10'000'000;    // openssl writes 2048, keypipe 600 000
    uint64_t scrypt_memory_bytes = 1ull << 30;  // openssl -scrypt: N=16384, r=8 -> 16 MiB
    uint64_t argon2_memory_kib = 1u << 20;      // puttygen writes 8192 KiB
    uint64_t argon2_passes = 10'000;            // puttygen's time-based choice gives tens
    uint64_t argon2_parallelism = 64;
};

// The limits in force for this process.
const KdfLimits& kdf_limits();
// Multiplies every limit by 16 (--allow-costly-kdf). Call before any input is read.
void relax_kdf_limits();

}  // namespace keypipe
