// KDF limits and the run's memory budget (common/kdf_limits.cpp).
#include "error.h"
#include "kdf_limits.h"
#include "test_util.h"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <thread>

using namespace keypipe;

BOOST_AUTO_TEST_SUITE(test_kdf_limits)

BOOST_AUTO_TEST_CASE(relaxed_multiplies_every_limit_and_the_budget) {
    const KdfLimits normal;
    const KdfLimits relaxed = normal.relaxed();
    BOOST_TEST(relaxed.bcrypt_rounds == 16 * normal.bcrypt_rounds);
    BOOST_TEST(relaxed.scrypt_memory_bytes == 16 * normal.scrypt_memory_bytes);
    BOOST_TEST(relaxed.argon2_work_kib_passes == 16 * normal.argon2_work_kib_passes);
    BOOST_TEST(relaxed.memory->total() == 16 * normal.memory->total());
    // Each memory-hard KDF alone fits the budget, so a reservation never waits forever.
    BOOST_TEST(normal.scrypt_memory_bytes <= normal.memory->total());
    BOOST_TEST(normal.argon2_memory_kib * 1024 <= normal.memory->total());
}

BOOST_AUTO_TEST_CASE(copies_share_one_budget) {
    const KdfLimits limits;
    const KdfLimits copy = limits;
    {
        const auto lease = copy.memory->reserve(100);
        BOOST_TEST(limits.memory->available() == limits.memory->total() - 100);
    }
    BOOST_TEST(limits.memory->available() == limits.memory->total());
    BOOST_TEST(keypipe::test::error_of([&] { limits.memory->reserve(limits.memory->total() + 1); }) ==
               "a key derivation of 1024 MiB exceeds the memory budget of 1024 MiB");
}

BOOST_AUTO_TEST_CASE(two_kdfs_never_hold_more_than_the_budget_together) {
    KdfMemoryBudget budget(1000);
    std::atomic<uint64_t> held{0}, peak{0};
    auto kdf = [&] {
        for (int i = 0; i < 20; ++i) {
            const auto lease = budget.reserve(600);
            peak = std::max<uint64_t>(peak, held += 600);
            std::this_thread::sleep_for(std::chrono::microseconds(200));
            held -= 600;
        }
    };
    std::thread a(kdf), b(kdf);
    a.join();
    b.join();
    BOOST_TEST(peak.load() == 600u);  // the second waited each time
    BOOST_TEST(budget.available() == 1000u);
}

BOOST_AUTO_TEST_SUITE_END()
