#include "bcrypt_pbkdf.h"

#include <botan/bcrypt_pbkdf.h>
#include <botan/hex.h>

#include <boost/test/unit_test.hpp>

#include <string>

using namespace keypipe;

namespace {
std::string hex(const uint8_t* p, size_t n) { return Botan::hex_encode(p, n, false); }

std::string botan_bcrypt(const std::string& pw, const Bytes& salt, uint32_t rounds, size_t length) {
    Bytes out(length);
    Botan::bcrypt_pbkdf(out.data(), out.size(), pw.data(), pw.size(), salt.data(), salt.size(), rounds);
    return hex(out.data(), out.size());
}

std::string ours(const std::string& pw, const Bytes& salt, uint32_t rounds, size_t length) {
    const SecretBytes out = bcrypt_pbkdf(ByteView(pw), ByteView(salt), rounds, length);
    return hex(out.data(), out.size());
}
}  // namespace

BOOST_AUTO_TEST_SUITE(test_bcrypt_pbkdf)

// The blocks computed on threads, interleaved, are Botan's bytes: one block and several,
// lengths that end inside a block, the salts and passphrases OpenSSH uses and odd ones.
BOOST_AUTO_TEST_CASE(identical_to_botan_bcrypt_pbkdf) {
    const std::string passphrases[] = {"", "test-passphrase", std::string(100, 'q')};
    const size_t salt_sizes[] = {16, 1, 17};
    int i = 0;
    for (uint32_t rounds : {1u, 2u})
        for (size_t length : {1u, 31u, 32u, 33u, 48u, 64u, 65u, 130u}) {
            const std::string& pw = passphrases[i % 3];
            Bytes salt(salt_sizes[(i / 3) % 3]);
            for (size_t k = 0; k < salt.size(); ++k) salt[k] = static_cast<uint8_t>(i * 7 + k);
            ++i;
            BOOST_TEST(ours(pw, salt, rounds, length) == botan_bcrypt(pw, salt, rounds, length),
                       "rounds=" << rounds << " length=" << length << " salt=" << salt.size());
        }
}

// What ssh-keygen writes: 16 rounds, a 16-byte salt, aes256-ctr's 48 bytes of key and IV.
BOOST_AUTO_TEST_CASE(openssh_default_parameters) {
    const Bytes salt = {0x8c, 0x1a, 0x26, 0x3e, 0x5d, 0x70, 0x02, 0x99, 0xa1, 0xb4, 0xc7, 0xda, 0xed, 0x00, 0x13, 0x26};
    BOOST_TEST(ours("test-passphrase", salt, 16, 48) == botan_bcrypt("test-passphrase", salt, 16, 48));
}

BOOST_AUTO_TEST_CASE(bad_parameters_are_refused) {
    const Bytes salt(16, 1);
    BOOST_CHECK_THROW(ours("pw", salt, 0, 48), std::exception);
    BOOST_TEST(ours("pw", Bytes{}, 1, 48) == botan_bcrypt("pw", Bytes{}, 1, 48));  // Botan allows an empty salt
    BOOST_CHECK_THROW(ours("pw", salt, 0, 32), std::exception);
}

BOOST_AUTO_TEST_SUITE_END()
