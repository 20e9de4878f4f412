// SSH blobs, lines and fingerprints against formats.md §8.1 (checked there with ssh-keygen).
#include "cursor.h"
#include "error.h"
#include "fmt_pkcs8.h"
#include "ssh.h"
#include "test_util.h"

#include <botan/base64.h>
#include <botan/hex.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>

#include <boost/test/unit_test.hpp>

using namespace keypipe;

namespace {
const char* example_blob = "AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
PrivateKey example_key() {
    const auto der = Botan::hex_decode("302e020100300506032b657004220420000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    return pkcs8::read(ByteView(der));
}
}  // namespace

BOOST_AUTO_TEST_SUITE(test_ssh)

BOOST_AUTO_TEST_CASE(ed25519_blob_and_fingerprints_match_the_worked_example) {
    const PrivateKey key = example_key();
    const Bytes blob = ssh::public_blob(key.public_key());
    BOOST_TEST(Botan::base64_encode(blob) == example_blob);
    BOOST_TEST(ssh::fingerprint_sha256(ByteView(blob)) == "SHA256:lbmsoA0yIEcEiVDRnMWuzm+nV+3ZEEpVIURqFoeSspg");
    BOOST_TEST(ssh::fingerprint_md5(ByteView(blob)) == "MD5:f1:02:17:de:ef:c1:30:83:11:8b:82:a0:0e:67:7f:d5");
    BOOST_TEST(ssh::authorized_keys_line(key.public_key(), "keypipe-example") ==
               std::string("ssh-ed25519 ") + example_blob + " keypipe-example\n");
    BOOST_TEST(ssh::authorized_keys_line(key.public_key(), "") == std::string("ssh-ed25519 ") + example_blob + "\n");
    BOOST_TEST(ssh::fingerprint_line(key.public_key(), "", false) ==
               "256 SHA256:lbmsoA0yIEcEiVDRnMWuzm+nV+3ZEEpVIURqFoeSspg no comment (ED25519)\n");
}

BOOST_AUTO_TEST_CASE(parses_its_own_blobs) {
    const Bytes blob = Botan::unlock(Botan::base64_decode(example_blob));
    const PublicKey key = ssh::parse_public_blob(ByteView(blob));
    BOOST_TEST(static_cast<int>(key.type) == static_cast<int>(KeyType::ed25519));
    BOOST_TEST(ssh::public_blob(key) == blob);
}

BOOST_AUTO_TEST_CASE(rsa_blob_puts_e_before_n_with_sign_bytes) {
    // Small but valid numbers are enough to check the layout.
    const Bytes blob = ssh::public_blob(
        PublicKey{KeyType::rsa, std::make_shared<Botan::RSA_PublicKey>(Botan::BigInt("0x" + std::string(255, 'c') + "d"), Botan::BigInt(65537)), ""});
    const std::string hex = Botan::hex_encode(blob, false);
    BOOST_TEST(hex.substr(22, 14) == "00000003010001");
    BOOST_TEST(hex.substr(36, 10) == "0000008100");  // 128 bytes with the top bit set + sign byte
}

BOOST_AUTO_TEST_CASE(refuses_unsupported_and_malformed_blobs) {
    Writer w;
    w.string(std::string_view("ssh-dss"));
    try {
        ssh::parse_public_blob(ByteView(w.data()));
        BOOST_FAIL("no error");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) == "unsupported key type: DSA");
    }
    Bytes truncated = Botan::unlock(Botan::base64_decode(example_blob));
    truncated.pop_back();
    BOOST_CHECK_THROW(ssh::parse_public_blob(ByteView(truncated)), Error);
    // "\x00" decodes to the point at infinity, which Botan's point comparison throws on
    // (a PPK reader compares the blob's point with the private key's): refused here.
    Writer infinity;
    infinity.string(std::string_view("ecdsa-sha2-nistp256"));
    infinity.string(std::string_view("nistp256"));
    infinity.string(std::string_view("\0", 1));
    try {
        ssh::parse_public_blob(ByteView(infinity.data()));
        BOOST_FAIL("no error");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) == "SSH public key: EC point is the point at infinity");
    }
    // e = 1 was accepted from a blob (only "odd" was checked) and printed by ppk2key -y.
    const Botan::RSA_PrivateKey rsa(Botan::system_rng(), 1024);
    Writer e1;
    e1.string(std::string_view("ssh-rsa"));
    e1.mpint(Botan::BigInt(1));
    e1.mpint(rsa.get_n());
    BOOST_TEST(keypipe::test::error_of([&] { ssh::parse_public_blob(ByteView(e1.data())); }) ==
               "SSH public key: invalid RSA key (public exponent below 3)");
}

BOOST_AUTO_TEST_CASE(comments_from_input_are_one_line_of_text) {
    BOOST_TEST(ssh::clean_comment("vm1\nssh-ed25519 AAAA evil") == "vm1?ssh-ed25519 AAAA evil");
    BOOST_TEST(ssh::clean_comment(std::string("a\x1b[31m\r\t\x7f" "b\0c", 12)) == "a?[31m???b?c");
    BOOST_TEST(ssh::clean_comment("bob@vm1 \xc3\xbc ~") == "bob@vm1 \xc3\xbc ~");  // UTF-8 and printable ASCII stay
    BOOST_CHECK_THROW(ssh::check_comment_option("x\ty"), UsageError);  // a -C/--comment so is a usage error
    BOOST_CHECK_NO_THROW(ssh::check_comment_option("bob@vm1 \xc3\xbc"));
}

BOOST_AUTO_TEST_SUITE_END()
