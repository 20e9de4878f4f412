#include "cert.h"
#include "error.h"
#include "ssh.h"
#include "test_util.h"

#include <botan/base64.h>
#include <botan/der_enc.h>
#include <botan/ed25519.h>
#include <botan/rsa.h>
#include <botan/hex.h>
#include <botan/system_rng.h>
#include <botan/x509_ext.h>
#include <botan/x509cert.h>

#include <boost/test/unit_test.hpp>

using namespace keypipe;

BOOST_AUTO_TEST_SUITE(test_cert)

BOOST_AUTO_TEST_CASE(subject_comma_form) {
    const auto s = cert::parse_subject("CN=vm1, O=Example\\, Inc.,C=US");
    BOOST_TEST_REQUIRE(s.size() == 3u);
    BOOST_TEST(s[0].first == "2.5.4.3");
    BOOST_TEST(s[0].second == "vm1");
    BOOST_TEST(s[1].second == "Example, Inc.");
    BOOST_TEST(s[2].first == "2.5.4.6");
}

BOOST_AUTO_TEST_CASE(subject_slash_form_and_case_insensitive_names) {
    const auto s = cert::parse_subject("/cn=vm1/O=A\\/B/emailAddress=a@b.c/");
    BOOST_TEST_REQUIRE(s.size() == 3u);
    BOOST_TEST(s[0].first == "2.5.4.3");
    BOOST_TEST(s[1].second == "A/B");
    BOOST_TEST(s[2].first == "1.2.840.113549.1.9.1");
}

BOOST_AUTO_TEST_CASE(subject_and_san_errors_name_no_option) {
    using keypipe::test::error_of;
    BOOST_TEST(error_of([] { cert::parse_subject("vm1"); }) == "\"vm1\" is not NAME=VALUE");
    BOOST_TEST(error_of([] { cert::parse_subject("XX=1"); }) == "unknown attribute \"XX\" (CN, O, OU, C, L, ST, emailAddress, ...)");
    BOOST_TEST(error_of([] { cert::parse_subject("C=USA"); }) == "C must be a two-letter country code");
    BOOST_TEST(error_of([] { cert::parse_subject("CN="); }) == "CN has an empty value");
    BOOST_TEST(error_of([] { cert::parse_subject(""); }) == "no attributes");
    BOOST_TEST(error_of([] { cert::parse_san("DNS:a,IP:2001:db8::1,IP:::1"); }) == "no error");  // IPv6, as openssl takes it
    BOOST_TEST(error_of([] { cert::parse_san("IP:2001:db8::g"); }) == "\"2001:db8::g\" is not an IPv4 or IPv6 address");
    BOOST_TEST(error_of([] { cert::parse_san("x:y"); }) == "unknown type \"x\" (DNS, IP, email, URI)");
    BOOST_TEST(error_of([] { cert::parse_san("IP:1.2.3"); }) == "\"1.2.3\" is not an IPv4 or IPv6 address");
    const auto san = cert::parse_san("dns:a.example,,email:a@b");
    BOOST_TEST_REQUIRE(san.size() == 2u);
    BOOST_TEST(san[0].type == "DNS");
    BOOST_TEST(san[1].type == "RFC822");
}

BOOST_AUTO_TEST_CASE(self_signed_reads_back_with_cn_thumbprint_and_key) {
    auto key = make_private_key(std::make_unique<Botan::Ed25519_PrivateKey>(Botan::system_rng()), "", "test");
    cert::SelfSignOptions options;
    options.subject = cert::parse_subject("CN=vm1,O=Example");
    options.san = cert::parse_san("DNS:vm1.example.com,IP:10.0.0.4");
    const Bytes der = cert::make_self_signed(key, options, Botan::system_rng());
    const cert::Certificate c = cert::read_certificate(ByteView(der));
    BOOST_TEST(c.common_name == "vm1");
    BOOST_TEST(c.subject == "CN=vm1,O=Example");
    BOOST_TEST(ssh::public_blob(c.key) == ssh::public_blob(key.public_key()));
    BOOST_TEST(cert::thumbprint(ByteView(der)).size() == 40u);
    const Botan::X509_Certificate x509(der);
    BOOST_TEST(x509.is_CA_cert());
    BOOST_TEST(x509.path_limit() == Botan::Cert_Extension::NO_CERT_PATH_LIMIT);  // like openssl req -x509: no pathlen
    BOOST_TEST(x509.x509_version() == 3u);
    BOOST_TEST(x509.subject_key_id() == x509.authority_key_id());
    BOOST_TEST(x509.subject_key_id().size() == 20u);
    BOOST_TEST(x509.check_signature(*key.key));
    BOOST_TEST(x509.serial_number().size() == 16u);  // 128 bits (17 DER bytes with the sign byte)
    BOOST_TEST((x509.serial_number()[0] & 0x80) != 0);
}

BOOST_AUTO_TEST_CASE(spki_with_unsupported_algorithms_is_named) {
    // DSA and Ed448 SubjectPublicKeyInfo prefixes with dummy key bits.
    const auto dsa = Botan::hex_decode("300f300906072a8648ce38040103020000");
    const auto ed448 = Botan::hex_decode("300a300506032b657103010000");
    try {
        cert::public_key_from_spki(ByteView(dsa));
        BOOST_FAIL("no error");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) == "unsupported key type: DSA");
    }
    BOOST_CHECK_THROW(cert::public_key_from_spki(ByteView(ed448)), Error);
}

BOOST_AUTO_TEST_CASE(spki_ec_point_is_checked) {
    // id-ecPublicKey, P-256, and a BIT STRING holding the point: "\x00" is infinity.
    const std::string prefix = "301306072a8648ce3d020106082a8648ce3d030107";
    const auto infinity = Botan::hex_decode("3019" + prefix + "03020000");
    BOOST_TEST(keypipe::test::error_of([&] { cert::public_key_from_spki(ByteView(infinity)); }) ==
               "public key: EC point is the point at infinity");
    const auto off_curve = Botan::hex_decode("3039" + prefix + "03220002" + std::string(64, '1'));
    BOOST_TEST(keypipe::test::error_of([&] { cert::public_key_from_spki(ByteView(off_curve)); }) ==
               "public key: EC point is not on the curve");
    // brainpoolP256r1: the same words as every other reader.
    const auto brainpool = Botan::hex_decode("301a301406072a8648ce3d020106092b2403030208010107030200ff");
    BOOST_TEST(keypipe::test::error_of([&] { cert::public_key_from_spki(ByteView(brainpool)); }) ==
               "unsupported curve: brainpoolP256r1 (P-256, P-384 and P-521 are supported)");
}

BOOST_AUTO_TEST_CASE(spki_and_certificates_with_explicit_ec_parameters) {
    // openssl ec -param_enc explicit -pubout, and a certificate made with that key
    // (tests/golden/ecexplicit/make.sh): read as the named curve, as ssh-keygen -i does.
    for (const char* t : {"p256", "p384", "p521"}) {
        const std::string base = std::string("ecexplicit/") + t;
        const std::string pub = test::golden_line(base + ".pub") + "\n";
        const std::string pem = test::golden(base + ".spki.pem");
        const std::string b64 = pem.substr(pem.find('\n') + 1, pem.find("-----END") - pem.find('\n') - 1);
        const auto spki = Botan::base64_decode(b64);
        BOOST_TEST(ssh::authorized_keys_line(cert::public_key_from_spki(ByteView(spki)), "") == pub, base);
        const cert::Certificate c = cert::read_certificate(ByteView(test::golden(base + ".crt.der")));
        BOOST_TEST(ssh::authorized_keys_line(c.key, "") == pub, base);
    }
}

BOOST_AUTO_TEST_CASE(pkcs1_public_exponent_is_checked) {
    const Botan::RSA_PrivateKey k(Botan::system_rng(), 1024);
    for (const auto& [e, why] : {std::pair<Botan::BigInt, std::string>{1, "public exponent below 3"}, {4, "even public exponent"}}) {
        const auto der = Botan::unlock(Botan::DER_Encoder().start_cons(Botan::SEQUENCE).encode(k.get_n()).encode(e).end_cons().get_contents());
        BOOST_TEST(keypipe::test::error_of([&] { cert::public_key_from_pkcs1(ByteView(der)); }) == "RSA public key: invalid RSA key (" + why + ")");
    }
}

BOOST_AUTO_TEST_CASE(thumbprint_is_uppercase_sha1) {
    BOOST_TEST(cert::thumbprint(ByteView(std::string_view("abc"))) == "A9993E364706816ABA3E25717850C26C9CD0D89D");
}

BOOST_AUTO_TEST_SUITE_END()
