// PKCS#1, SEC1 and legacy PEM encryption (common/fmt_traditional.cpp).
#include "error.h"
#include "fmt_traditional.h"
#include "keyio.h"
#include "objects.h"
#include "test_util.h"

#include <botan/system_rng.h>

#include <boost/test/unit_test.hpp>

using namespace keypipe;
using keypipe::test::error_of;
using keypipe::test::golden;

BOOST_AUTO_TEST_SUITE(test_fmt_traditional)

BOOST_AUTO_TEST_CASE(legacy_encryption_is_written_with_pem_headers_and_read_back) {
    NoPassphrase none;
    const PrivateKey key = read_private_key(ByteView(golden("keys/ecdsa256.trad.pem")), none);
    const SecretBytes text = traditional::write_pem_encrypted(key, ByteView(std::string_view("pw")), Botan::system_rng());
    const std::string_view s = ByteView(text).as_string();
    BOOST_TEST(s.find("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,") == 0u);
    const auto objects = read_objects(ByteView(text));
    BOOST_TEST_REQUIRE(objects.size() == 1u);
    BOOST_TEST(traditional::is_legacy_encrypted(objects[0].headers));
    FixedPassphrase right("pw"), wrong("not-pw");
    const SecretBytes plain = traditional::decrypt_legacy(ByteView(objects[0].body), objects[0].headers[1].second, right);
    BOOST_TEST(traditional::write(traditional::read_sec1(ByteView(plain))) == traditional::write(key));
    // A wrong passphrase shows as bad padding or as garbage DER, never as anything else.
    BOOST_TEST(error_of([&] { traditional::decrypt_legacy(ByteView(objects[0].body), objects[0].headers[1].second, wrong); }) ==
               "wrong passphrase");
    BOOST_TEST(error_of([&] { traditional::decrypt_legacy(ByteView(objects[0].body), "AES-128-CBC,zz", right); }) ==
               "DEK-Info IV is not hex");
}

BOOST_AUTO_TEST_CASE(golden_traditional_keys_read_in_every_encryption) {
    const std::string pass = keypipe::test::golden_line("keys/passphrase.txt");
    size_t read = 0;
    for (const char* type : {"rsa", "ecdsa256", "ecdsa384", "ecdsa521"}) {
        for (const char* form : {"trad.pem", "trad.der", "trad-aes128.pem", "trad-aes256.pem", "trad-des3.pem"}) {
            FixedPassphrase p(pass);
            read_private_key(ByteView(golden(std::string("keys/") + type + "." + form)), p);
            ++read;
        }
    }
    BOOST_TEST(read == 20u);
}

BOOST_AUTO_TEST_SUITE_END()
