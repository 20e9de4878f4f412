#include "argon2.h"
#include "error.h"

#include <botan/hex.h>

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace keypipe;
namespace engine = keypipe::argon2_engine;

namespace {
std::string hex(const SecretBytes& v) { return Botan::hex_encode(v.data(), v.size(), false); }
Bytes bytes(size_t n, uint8_t seed) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + 31 * i);
    return b;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(test_argon2)

#ifdef KEYPIPE_WITH_LIBSODIUM  // a build with KEYPIPE_LIBSODIUM=OFF has only the Botan engine

// libsodium serves puttygen's defaults and everything else its API can express.
BOOST_AUTO_TEST_CASE(libsodium_covers_what_its_api_expresses) {
    BOOST_TEST(engine::libsodium_covers("Argon2id", 16, 8192, 8, 1, 80));   // puttygen
    BOOST_TEST(engine::libsodium_covers("Argon2id", 16, 8, 1, 1, 16));
    BOOST_TEST(engine::libsodium_covers("Argon2i", 16, 8192, 3, 1, 80));
    BOOST_TEST(!engine::libsodium_covers("Argon2i", 16, 8192, 2, 1, 80));   // libsodium: passes >= 3
    BOOST_TEST(!engine::libsodium_covers("Argon2d", 16, 8192, 8, 1, 80));   // not in libsodium
    BOOST_TEST(!engine::libsodium_covers("Argon2id", 16, 8192, 8, 2, 80));  // one lane only
    BOOST_TEST(!engine::libsodium_covers("Argon2id", 8, 8192, 8, 1, 80));   // 16-byte salts only
    BOOST_TEST(!engine::libsodium_covers("Argon2id", 32, 8192, 8, 1, 80));
    BOOST_TEST(!engine::libsodium_covers("Argon2id", 16, 8192, 8, 1, 15));  // 16 output bytes or more
    BOOST_TEST(!engine::libsodium_covers("Argon2id", 16, 7, 1, 1, 80));     // 8 KiB or more
}

// The two engines agree byte for byte wherever libsodium is used: flavours, memory sizes
// that are and are not multiples of Argon2's four segments, pass counts, output lengths
// and passphrases from empty to long.
BOOST_AUTO_TEST_CASE(libsodium_and_botan_give_identical_bytes) {
    const std::vector<std::string> passphrases = {"", "test-passphrase", std::string(300, 'p')};
    int compared = 0;
    for (const char* flavour : {"Argon2id", "Argon2i"})
        for (uint32_t memory : {8u, 9u, 13u, 64u, 1000u})
            for (uint32_t passes : {1u, 2u, 3u, 5u})
                for (size_t length : {16u, 32u, 80u, 129u}) {
                    if (!engine::libsodium_covers(flavour, 16, memory, passes, 1, length)) continue;
                    const std::string& pw = passphrases[(memory + passes + length) % passphrases.size()];
                    const Bytes salt = bytes(16, static_cast<uint8_t>(memory + passes));
                    const SecretBytes a = engine::libsodium(flavour, ByteView(pw), ByteView(salt), memory, passes, length);
                    const SecretBytes b = engine::botan(flavour, ByteView(pw), ByteView(salt), memory, passes, 1, length);
                    BOOST_TEST(hex(a) == hex(b), flavour << " m=" << memory << " t=" << passes << " len=" << length);
                    ++compared;
                }
    BOOST_TEST(compared == 2 * 5 * 4 * 4 - 5 * 2 * 4);  // all but Argon2i with 1 or 2 passes
}

BOOST_AUTO_TEST_CASE(puttygen_defaults_identical_on_both_engines) {
    const Bytes salt = bytes(16, 7);
    const ByteView pw("bench-passphrase");
    BOOST_TEST(hex(engine::libsodium("Argon2id", pw, ByteView(salt), 8192, 8, 80)) ==
               hex(engine::botan("Argon2id", pw, ByteView(salt), 8192, 8, 1, 80)));
}

#endif

// What libsodium cannot express still works, through Botan.
BOOST_AUTO_TEST_CASE(other_parameters_go_to_botan) {
    const Bytes salt16 = bytes(16, 1), salt8 = bytes(8, 2);
    const ByteView pw("pw");
    BOOST_TEST(hex(argon2("Argon2d", pw, ByteView(salt16), 64, 3, 1, 80)) ==
               hex(engine::botan("Argon2d", pw, ByteView(salt16), 64, 3, 1, 80)));
    BOOST_TEST(hex(argon2("Argon2id", pw, ByteView(salt16), 64, 3, 2, 80)) ==
               hex(engine::botan("Argon2id", pw, ByteView(salt16), 64, 3, 2, 80)));
    BOOST_TEST(hex(argon2("Argon2id", pw, ByteView(salt8), 64, 3, 1, 80)) ==
               hex(engine::botan("Argon2id", pw, ByteView(salt8), 64, 3, 1, 80)));
    BOOST_TEST(hex(argon2("Argon2i", pw, ByteView(salt16), 64, 1, 1, 80)) ==
               hex(engine::botan("Argon2i", pw, ByteView(salt16), 64, 1, 1, 80)));
    BOOST_TEST(argon2("Argon2id", pw, ByteView(salt16), 64, 3, 1, 8).size() == 8u);
}

BOOST_AUTO_TEST_CASE(unknown_flavour_is_an_error) {
    const Bytes salt = bytes(16, 1);
    BOOST_CHECK_THROW(argon2("Argon2x", ByteView("pw"), ByteView(salt), 64, 3, 1, 80), Error);
}

BOOST_AUTO_TEST_SUITE_END()
