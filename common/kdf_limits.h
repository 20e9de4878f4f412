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
    uint64_t scrypt_memory_bytes = 1ull << 30;  // 128*N*r; openssl -scrypt: N=16384, r=8 -> 16 MiB
    // scrypt's time is N*r*p (each of p lanes mixes N blocks of 128*r bytes twice): about
    // 0.75 us per unit with Botan 2.19 here, so 2^24 is ~12 s. openssl -scrypt writes 2^17,
    // and N=2^20, r=8, p=1 (1 GiB, the memory limit) is 2^23. Checked on top of the memory
    // limit, which alone lets p multiply the time.
    uint64_t scrypt_work = 1ull << 24;
    uint64_t argon2_memory_kib = 1u << 20;      // puttygen writes 8192 KiB
    uint64_t argon2_passes = 10'000;            // puttygen's time-based choice gives tens
    uint64_t argon2_parallelism = 64;
    // Argon2's time is memory * passes: about 1 ms per MiB-pass (Botan 2.19), so 10 GiB-passes
    // is ~10 s. The single caps above still allow 1 GiB x 10 000 passes (hours), hence this
    // total. puttygen's default (8192 KiB, time=100 -> ~34 passes: 278 528) is ~38x below;
    // even time=2000 (610 passes: ~5.0M) stays below.
    uint64_t argon2_work_kib_passes = 10ull << 20;
};

// The limits in force for this process.
const KdfLimits& kdf_limits();
// Multiplies every limit by 16 (--allow-costly-kdf). Call before any input is read.
void relax_kdf_limits();

}  // namespace keypipe
