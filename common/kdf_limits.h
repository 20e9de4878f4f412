// Costs that an input file chooses for itself (KDF work factors) are capped before any
// work: a hostile or corrupted file must not cost minutes of CPU or gigabytes of memory.
// The defaults are far above what the peers write; relaxed() raises them 16-fold for the
// rare legitimate file beyond them (the tools' --allow-costly-kdf).
//
// The limits are a value the command line makes once per run and passes to the readers;
// codecs never read a global. Copies share one memory budget, so that KDFs running at once
// (a batch with -j 2) never hold more than the memory cap together.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace keypipe {

// A counting semaphore over bytes: a KDF reserves what it will allocate before it starts
// and waits while others hold too much. Every request fits the total (the per-KDF caps are
// at most the budget), and each thread holds one lease at a time, so nobody waits forever.
class KdfMemoryBudget {
public:
    explicit KdfMemoryBudget(uint64_t total_bytes) : total_(total_bytes), free_(total_bytes) {}
    KdfMemoryBudget(const KdfMemoryBudget&) = delete;
    KdfMemoryBudget& operator=(const KdfMemoryBudget&) = delete;

    class Lease {
    public:
        Lease(Lease&& other) noexcept : budget_(other.budget_), bytes_(other.bytes_) { other.budget_ = nullptr; }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease();

    private:
        friend class KdfMemoryBudget;
        Lease(KdfMemoryBudget* budget, uint64_t bytes) : budget_(budget), bytes_(bytes) {}
        KdfMemoryBudget* budget_;
        uint64_t bytes_;
    };

    // Waits until `bytes` are free and holds them until the lease ends. Throws Error when
    // `bytes` exceed the whole budget (callers check their own caps first).
    Lease reserve(uint64_t bytes);
    uint64_t total() const { return total_; }
    uint64_t available() const;

private:
    const uint64_t total_;
    uint64_t free_;
    mutable std::mutex mutex_;
    std::condition_variable released_;
};

struct KdfLimits {
    // bcrypt_pbkdf's time is linear in rounds: ~11.5 ms per round with Botan 2.19 here, so
    // 1024 rounds take ~12 s. ssh-keygen writes 16 (-a 100 is common advice).
    uint64_t bcrypt_rounds = 1024;
    uint64_t pbkdf2_iterations = 10'000'000;    // openssl writes 2048, keypipe 600 000
    // scrypt allocates 128*r*(N+1) bytes for its table and 128*r*p for its lanes (Botan
    // 2.19 scrypt.cpp); that total is capped. openssl -scrypt: N=16384, r=8 -> 16 MiB.
    uint64_t scrypt_memory_bytes = 1ull << 30;
    // scrypt's time is N*r*p (each of p lanes mixes N blocks of 128*r bytes twice): about
    // 0.75 us per unit with Botan 2.19 here, so 2^24 is ~12 s. openssl -scrypt writes 2^17.
    // Checked on top of the memory limit, which alone lets p multiply the time.
    uint64_t scrypt_work = 1ull << 24;
    uint64_t argon2_memory_kib = 1u << 20;      // puttygen writes 8192 KiB
    uint64_t argon2_passes = 10'000;            // puttygen's time-based choice gives tens
    uint64_t argon2_parallelism = 64;
    // Argon2's time is memory * passes: about 1.6 ms per MiB-pass (Botan 2.19 here), so
    // 10 GiB-passes is ~17 s. The single caps above still allow 1 GiB x 10 000 passes
    // (hours), hence this total. puttygen's default (8192 KiB, time=100 -> ~34 passes:
    // 278 528) is ~38x below; even time=2000 (610 passes: ~5.0M) stays below.
    uint64_t argon2_work_kib_passes = 10ull << 20;
    // What every memory-hard KDF of a run may hold at once (scrypt and Argon2 each stay
    // within it alone).
    std::shared_ptr<KdfMemoryBudget> memory = std::make_shared<KdfMemoryBudget>(1ull << 30);
    // Appended to a "exceeds the limit" message: the command line's way to raise the limits,
    // e.g. " (--allow-costly-kdf raises it)". Codecs know no option names.
    std::string raise_hint;

    // Every limit (and a new memory budget) multiplied by `factor`.
    KdfLimits relaxed(uint64_t factor = 16) const;
};

}  // namespace keypipe
