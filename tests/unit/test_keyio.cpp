// Reading any private key (common/keyio.cpp): dispatch through the table, what a
// non-key input is called, and the public part of a PPK without its passphrase.
#include "error.h"
#include "fmt_pkcs8.h"
#include "keyio.h"
#include "ssh.h"
#include "test_util.h"

#include <boost/test/unit_test.hpp>

using namespace keypipe;
using keypipe::test::error_of;
using keypipe::test::golden;
using keypipe::test::golden_line;

BOOST_AUTO_TEST_SUITE(test_keyio)

BOOST_AUTO_TEST_CASE(every_golden_form_of_a_key_reads_to_the_same_key) {
    const std::string pass = golden_line("keys/passphrase.txt");
    size_t read = 0;
    for (const char* form : {"p8.pem", "p8.der", "p8-aes256.pem", "p8-scrypt.pem", "trad.pem", "trad.der", "trad-aes128.pem",
                             "trad-des3.pem", "openssh", "openssh-enc", "putty.ppk", "putty-enc.ppk", "ecparam.pem"}) {
        FixedPassphrase p(pass);
        const PrivateKey key = read_private_key(ByteView(golden(std::string("keys/ecdsa256.") + form)), p);
        BOOST_TEST(ssh::authorized_keys_line(key.public_key(), "") == golden_line("keys/ecdsa256.pub") + "\n", form);
        ++read;
    }
    BOOST_TEST(read == 13u);
}

BOOST_AUTO_TEST_CASE(explicit_ec_parameters_read_as_the_named_curve) {
    // openssl ec -param_enc explicit and its PKCS#8 forms (tests/golden/ecexplicit/make.sh):
    // the same key as the named-curve file, written back with the curve's OID.
    const std::string pass = golden_line("ecexplicit/passphrase.txt");
    for (const char* t : {"p256", "p384", "p521"}) {
        const std::string base = std::string("ecexplicit/") + t;
        NoPassphrase none;
        const PrivateKey named = read_private_key(ByteView(golden(base + ".named.pem")), none);
        for (const char* form : {".sec1.pem", ".p8.pem", ".p8.der", ".p8-enc.pem"}) {
            FixedPassphrase p(pass);
            const PrivateKey key = read_private_key(ByteView(golden(base + form)), p);
            BOOST_TEST((key.type == named.type), base + form);
            BOOST_TEST(ssh::authorized_keys_line(key.public_key(), "") == golden_line(base + ".pub") + "\n", base + form);
            BOOST_TEST((pkcs8::write(key) == pkcs8::write(named)), base + form);
        }
        const PrivateKey own = read_private_key(ByteView(golden(base + ".ecparam.pem")), none);
        BOOST_TEST(ssh::authorized_keys_line(own.public_key(), "") == golden_line(base + ".ecparam.pub") + "\n");
    }
    NoPassphrase none;
    BOOST_TEST(error_of([&] { read_private_key(ByteView(golden("ecexplicit/brainpoolP256r1.sec1.pem")), none); }) ==
               "unsupported curve: brainpoolP256r1 (explicit parameters; P-256, P-384 and P-521 are supported)");
}

BOOST_AUTO_TEST_CASE(inputs_without_a_private_key_are_named) {
    NoPassphrase none;
    auto error = [&](const std::string& text) { return error_of([&] { read_private_key(ByteView(std::string_view(text)), none); }); };
    BOOST_TEST(error(golden("certs/ed25519.der")) == "a certificate, not a private key");
    BOOST_TEST(error("ssh-ed25519 AAAA x\n") == "an OpenSSH public key, not a private key");
    BOOST_TEST(error("-----BEGIN DSA PRIVATE KEY-----\nMAA=\n-----END DSA PRIVATE KEY-----\n") == "unsupported key type: DSA");
    BOOST_TEST(error("-----BEGIN FOO PRIVATE KEY-----\nMAA=\n-----END FOO PRIVATE KEY-----\n") ==
               "unsupported private key block \"FOO PRIVATE KEY\"");
    BOOST_TEST(error(golden("keys/ecdsa256.p8-aes256.pem")) == "the PKCS#8 key is encrypted (use --passin SRC)");
}

BOOST_AUTO_TEST_CASE(ppk_public_part_needs_no_passphrase) {
    NoPassphrase none;
    const PublicKeyRead pub = read_public_key(ByteView(golden("keys/ecdsa256.putty-enc.ppk")), none);
    BOOST_TEST(pub.encrypted);
    BOOST_TEST(ssh::authorized_keys_line(pub.key, "") == golden_line("keys/ecdsa256.pub") + "\n");
}

BOOST_AUTO_TEST_SUITE_END()
