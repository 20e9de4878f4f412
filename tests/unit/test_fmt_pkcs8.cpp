#include "error.h"
#include "fmt_pkcs8.h"
#include "fmt_traditional.h"
#include "objects.h"
#include "pem.h"
#include "ssh.h"
#include "test_util.h"

#include <botan/der_enc.h>
#include <botan/ecdsa.h>
#include <botan/hex.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>

#include <boost/test/unit_test.hpp>

using namespace keypipe;
using keypipe::test::error_of;

namespace {
const std::string ed25519_pkcs8 = "302e020100300506032b657004220420000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

// An EncryptedPrivateKeyInfo with PBES2 / scrypt(N, r, p) / AES-256-CBC and a dummy ciphertext.
std::vector<uint8_t> scrypt_encrypted_key(size_t n, size_t r, size_t p) {
    const std::vector<uint8_t> salt{'s', 'a', 'l', 't'}, iv(16), ciphertext(16);
    std::vector<uint8_t> out;
    Botan::DER_Encoder(out)
        .start_cons(Botan::SEQUENCE)
            .start_cons(Botan::SEQUENCE)
                .encode(Botan::OID("1.2.840.113549.1.5.13"))
                .start_cons(Botan::SEQUENCE)
                    .start_cons(Botan::SEQUENCE)
                        .encode(Botan::OID("1.3.6.1.4.1.11591.4.11"))
                        .start_cons(Botan::SEQUENCE).encode(salt, Botan::OCTET_STRING).encode(n).encode(r).encode(p).end_cons()
                    .end_cons()
                    .start_cons(Botan::SEQUENCE).encode(Botan::OID("2.16.840.1.101.3.4.1.42")).encode(iv, Botan::OCTET_STRING).end_cons()
                .end_cons()
            .end_cons()
            .encode(ciphertext, Botan::OCTET_STRING)
        .end_cons();
    return out;
}

PrivateKey ec_key(const char* curve) {
    return make_private_key(std::make_unique<Botan::ECDSA_PrivateKey>(Botan::system_rng(), Botan::EC_Group(curve)), "", "t");
}
}  // namespace

BOOST_AUTO_TEST_SUITE(test_fmt_pkcs8)

BOOST_AUTO_TEST_CASE(ed25519_round_trip_is_byte_exact) {
    const auto der = Botan::hex_decode(ed25519_pkcs8);
    const PrivateKey key = pkcs8::read(ByteView(der));
    BOOST_TEST(Botan::hex_encode(pkcs8::write(key), false) == ed25519_pkcs8);
    BOOST_CHECK_THROW(traditional::write(key), Error);
}

BOOST_AUTO_TEST_CASE(ec_scalar_is_padded_to_the_order_size) {
    for (const char* curve : {"secp256r1", "secp384r1", "secp521r1"}) {
        const PrivateKey key = ec_key(curve);
        const SecretBytes sec1 = traditional::write(key);
        const PrivateKey back = traditional::read_sec1(ByteView(sec1));
        BOOST_TEST(ssh::public_blob(back.public_key()) == ssh::public_blob(key.public_key()));
        const SecretBytes p8 = pkcs8::write(key);
        BOOST_TEST(pkcs8::write(pkcs8::read(ByteView(p8))) == p8);
        // version 1, OCTET STRING of 32/48/66 bytes
        const size_t expect = std::string(curve) == "secp256r1" ? 32 : std::string(curve) == "secp384r1" ? 48 : 66;
        const std::string hex = Botan::hex_encode(sec1, false);
        BOOST_TEST(hex.find("020101" + std::string("04") + Botan::hex_encode(std::vector<uint8_t>{static_cast<uint8_t>(expect)}, false)) != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(rsa_pkcs1_round_trip_and_consistency_checks) {
    auto rsa = std::make_unique<Botan::RSA_PrivateKey>(Botan::system_rng(), 1024);
    const PrivateKey key = make_private_key(std::move(rsa), "", "t");
    const SecretBytes der = traditional::write(key);
    BOOST_TEST(traditional::write(traditional::read_pkcs1(ByteView(der))) == der);
    BOOST_TEST(std::string(traditional::label(key)) == "RSA PRIVATE KEY");
    // Flip a bit in the last INTEGER (qInv): the CRT check must notice.
    SecretBytes broken = der;
    broken.back() ^= 1;
    BOOST_TEST(error_of([&] { traditional::read_pkcs1(ByteView(broken)); }) ==
               "PKCS#1 key: inconsistent RSA key (CRT values do not match p and q)");
}

BOOST_AUTO_TEST_CASE(encrypted_pkcs8_round_trip_and_wrong_passphrase) {
    const auto der = Botan::hex_decode(ed25519_pkcs8);
    const PrivateKey key = pkcs8::read(ByteView(der));
    const SecretBytes enc = pkcs8::write_encrypted(key, ByteView(std::string_view("pw")), Botan::system_rng());
    FixedPassphrase right("pw"), wrong("nope");
    BOOST_TEST(pkcs8::write(pkcs8::read_encrypted(ByteView(enc), right)) == pkcs8::write(key));
    BOOST_TEST(error_of([&] { pkcs8::read_encrypted(ByteView(enc), wrong); }) == "wrong passphrase");
    NoPassphrase none;
    BOOST_TEST(error_of([&] { pkcs8::read_encrypted(ByteView(enc), none); }) == "the PKCS#8 key is encrypted (use --passin SRC)");
}

BOOST_AUTO_TEST_CASE(pbkdf2_cost_is_capped_before_work) {
    // PBES2 / PBKDF2 with 2^31-1 iterations, AES-256-CBC: refused without deriving anything.
    const std::string fixed =
        "305a304c06092a864886f70d01050d303f301e06092a864886f70d01050c3011040800010203040506070205"
        "007fffffff301d060960864801650304012a041000000000000000000000000000000000040a00000000000000000000";
    const auto der = Botan::hex_decode(fixed);
    FixedPassphrase pw("pw");
    BOOST_TEST(error_of([&] { pkcs8::read_encrypted(ByteView(der), pw); }) ==
               "PBKDF2 iteration count 2147483647 exceeds the limit of 10000000");
    // The command line's words for raising the limit come with the limits.
    KdfLimits limits;
    limits.raise_hint = " (raise it)";
    BOOST_TEST(error_of([&] { pkcs8::read_encrypted(ByteView(der), pw, limits); }) ==
               "PBKDF2 iteration count 2147483647 exceeds the limit of 10000000 (raise it)");
    BOOST_TEST(error_of([&] { pkcs8::read_encrypted(ByteView(der), pw, limits.relaxed()); }) ==
               "PBKDF2 iteration count 2147483647 exceeds the limit of 160000000 (raise it)");
    // 0 iterations is an invalid file, not a wrong passphrase.
    const std::string zero =
        "3056304806092a864886f70d01050d303b301a06092a864886f70d01050c300d04080001020304050607020100"
        "301d060960864801650304012a041000000000000000000000000000000000040a00000000000000000000";
    BOOST_TEST(error_of([&] { pkcs8::read_encrypted(ByteView(Botan::hex_decode(zero)), pw); }) == "invalid PBKDF2 iteration count 0");
}

BOOST_AUTO_TEST_CASE(scrypt_cost_is_capped_in_total_before_work) {
    // NoPassphrase: a file that passes every cap asks for the passphrase, one that does not
    // is refused before that (and before any scrypt work).
    NoPassphrase none;
    auto error = [&](size_t n, size_t r, size_t p) {
        const auto der = scrypt_encrypted_key(n, r, p);
        return error_of([&] { pkcs8::read_encrypted(ByteView(der), none); });
    };
    const std::string asks = "the PKCS#8 key is encrypted (use --passin SRC)";
    BOOST_TEST(error(1 << 14, 8, 1) == asks);  // openssl pkcs8 -scrypt
    BOOST_TEST(error(1 << 19, 8, 2) == asks);  // 512 MiB, work 2^23
    // What Botan allocates is 128*r*(N+1+p), so 128*N*r = 1 GiB is over the limit: N=2, r=2^22
    // passed the old check (128*N*r) and allocated 2 GiB.
    BOOST_TEST(error(2, 1 << 22, 1) ==
               "scrypt parameters (N=2, r=4194304, p=1) exceed the limit of 1024 MiB for memory = 128*r*(N+1+p)");
    BOOST_TEST(error(1 << 20, 8, 1) ==
               "scrypt parameters (N=1048576, r=8, p=1) exceed the limit of 1024 MiB for memory = 128*r*(N+1+p)");
    // 1 GiB and p = 16 are each inside their limits; together ~100 s of work.
    BOOST_TEST(error(1 << 20, 8, 16) ==
               "scrypt parameters (N=1048576, r=8, p=16) exceed the limit of 16777216 for work = N*r*p");
    BOOST_TEST(error(1 << 20, 8, 3) ==
               "scrypt parameters (N=1048576, r=8, p=3) exceed the limit of 16777216 for work = N*r*p");
    BOOST_TEST(error(1 << 21, 8, 1) ==
               "scrypt parameters (N=2097152, r=8, p=1) exceed the limit of 1024 MiB for memory = 128*r*(N+1+p)");
    // Not a cost limit, so the message does not offer --allow-costly-kdf.
    BOOST_TEST(error(2, 1, 17) == "scrypt parameters (N=2, r=1, p=17) exceed the limit of p <= 16");
    BOOST_TEST(error(3, 8, 1) == "scrypt parameters (N=3, r=8, p=1) are invalid (N a power of 2 above 1, r and p at least 1)");
    BOOST_TEST(error(1024, 0, 1) == "scrypt parameters (N=1024, r=0, p=1) are invalid (N a power of 2 above 1, r and p at least 1)");
}

BOOST_AUTO_TEST_CASE(legacy_pem_round_trip) {
    const PrivateKey key = ec_key("secp256r1");
    const SecretBytes text = traditional::write_pem_encrypted(key, ByteView(std::string_view("pw")), Botan::system_rng());
    const auto objects = read_objects(ByteView(text));
    BOOST_TEST_REQUIRE(objects.size() == 1u);
    BOOST_TEST(objects[0].headers.size() == 2u);
    FixedPassphrase right("pw"), wrong("x");
    const SecretBytes plain = traditional::decrypt_legacy(ByteView(objects[0].body), objects[0].headers[1].second, right);
    BOOST_TEST(traditional::write(traditional::read_sec1(ByteView(plain))) == traditional::write(key));
    BOOST_TEST(error_of([&] { traditional::decrypt_legacy(ByteView(objects[0].body), objects[0].headers[1].second, wrong); }) ==
               "wrong passphrase");
}

BOOST_AUTO_TEST_CASE(every_pbkdf2_prf_openssl_offers) {
    // openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf PRF (tests/golden/prf/make.sh).
    const std::string pass = test::golden_line("prf/passphrase.txt");
    const std::string want = test::golden_line("prf/key.pub") + "\n";
    for (const std::string prf : {"hmacWithSHA224", "hmacWithSHA384", "hmacWithSHA512", "hmacWithSHA512-256"}) {
        FixedPassphrase p(pass);
        const auto objects = read_objects(ByteView(test::golden("prf/key.p8-" + prf + ".pem")));
        BOOST_TEST(ssh::authorized_keys_line(pkcs8::read_encrypted(ByteView(objects.at(0).body), p).public_key(), "") == want, prf);
    }
    // Botan 2 has no SHA-512/224: refused by name, before the passphrase is asked for.
    NoPassphrase none;
    const auto objects = read_objects(ByteView(test::golden("prf/key.p8-hmacWithSHA512-224.pem")));
    BOOST_TEST(error_of([&] { pkcs8::read_encrypted(ByteView(objects.at(0).body), none); }) ==
               "unsupported PRF hmacWithSHA512-224 (re-encrypt with: openssl pkcs8 -topk8 -v2 aes-256-cbc)");
}

BOOST_AUTO_TEST_CASE(unsupported_algorithms_are_named) {
    // PKCS#8 with the DSA OID and a dummy body.
    const auto dsa = Botan::hex_decode("3012020100300906072a8648ce380401040200ff");
    BOOST_TEST(error_of([&] { pkcs8::read(ByteView(dsa)); }) == "unsupported key type: DSA");
    const auto k1 = Botan::hex_decode("3017020100301006072a8648ce3d020106052b8104000a0400");
    BOOST_TEST(error_of([&] { pkcs8::read(ByteView(k1)); }) == "unsupported curve: secp256k1 (P-256, P-384 and P-521 are supported)");
}

BOOST_AUTO_TEST_SUITE_END()
