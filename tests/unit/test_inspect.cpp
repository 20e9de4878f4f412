// Describing inputs without a passphrase (common/inspect.cpp): here PKCS#12, whose MAC,
// part encryption and unencrypted bags are visible without the password.
#include "inspect.h"
#include "test_util.h"

#include <boost/test/unit_test.hpp>

using namespace keypipe;
using keypipe::test::golden;

namespace {
std::vector<inspect::Item> describe_golden(const std::string& name) {
    const std::string bytes = golden(name);
    return inspect::describe(ByteView(std::string_view(bytes)));
}
}  // namespace

BOOST_AUTO_TEST_SUITE(test_inspect)

BOOST_AUTO_TEST_CASE(pkcs12_default_profile_without_password) {
    const auto items = describe_golden("pkcs12/rsa.openssl-default.p12");
    BOOST_TEST_REQUIRE(items.size() == 1u);  // the certificates are inside the encrypted safe
    const auto& pfx = items[0];
    BOOST_TEST(pfx.kind == "PKCS#12");
    BOOST_TEST(pfx.encrypted);
    BOOST_TEST(pfx.mac == "HMAC-SHA256, 2048 iterations");
    const std::string pbes2 = "AES-256/CBC, PBKDF2-HMAC-SHA256 2048 iterations";
    BOOST_TEST(pfx.encryption == pbes2);
    BOOST_TEST_REQUIRE(pfx.parts.size() == 2u);
    BOOST_TEST(pfx.parts[0].content == "encrypted safe (contents hidden)");
    BOOST_TEST(pfx.parts[0].encryption == pbes2);
    BOOST_TEST(pfx.parts[1].content == "shrouded private key");
    BOOST_TEST(pfx.parts[1].encryption == pbes2);
}

BOOST_AUTO_TEST_CASE(pkcs12_legacy_profile_and_mac_digests) {
    const auto legacy = describe_golden("pkcs12/rsa.openssl-legacy.p12");
    BOOST_TEST(legacy.at(0).mac == "HMAC-SHA1, 2048 iterations");
    BOOST_TEST(legacy.at(0).encryption ==
               "pbeWithSHAAnd40BitRC2-CBC, 2048 iterations; pbeWithSHAAnd3-KeyTripleDES-CBC, 2048 iterations");
    BOOST_TEST(describe_golden("pkcs12/rsa.openssl-sha512.p12").at(0).mac.rfind("HMAC-SHA512, ", 0) == 0);
    BOOST_TEST(describe_golden("prf/key.mac-sha512-256.p12").at(0).mac == "HMAC-SHA512-256, 2048 iterations");
    BOOST_TEST(describe_golden("pkcs12/rsa.openssl-default.p12.b64").at(0).encoding == "base64");
}

BOOST_AUTO_TEST_CASE(pkcs12_bags_in_the_clear_are_items) {
    const auto items = describe_golden("pkcs12/rsa.openssl-nomac.p12");
    BOOST_TEST_REQUIRE(items.size() == 4u);
    BOOST_TEST(items[0].mac == "none");
    BOOST_TEST(!items[0].encrypted);
    BOOST_TEST(items[1].kind == "certificate");
    BOOST_TEST(items[1].encoding == "in PKCS#12");
    BOOST_TEST(items[3].kind == "private key");
    BOOST_TEST(!items[3].encrypted);
    BOOST_TEST_REQUIRE(items[3].key.has_value());
    BOOST_TEST((items[3].key->type == KeyType::rsa));
}

BOOST_AUTO_TEST_CASE(explicit_ec_parameters_name_their_curve) {
    const auto items = describe_golden("ecexplicit/p384.params.pem");
    BOOST_TEST_REQUIRE(items.size() == 1u);
    BOOST_TEST(items[0].format == "explicit parameters");
    BOOST_TEST(items[0].detail == "curve P-384");
}

BOOST_AUTO_TEST_CASE(keys_and_certificates_with_explicit_ec_parameters_say_so) {
    for (const char* f : {"p256.sec1.pem", "p256.p8.pem", "p256.p8.der", "p256.spki.pem", "p256.crt.der"}) {
        const auto items = describe_golden(std::string("ecexplicit/") + f);
        BOOST_TEST_REQUIRE(items.size() == 1u);
        BOOST_TEST(items[0].detail == "explicit curve parameters", f);
        BOOST_TEST_REQUIRE(items[0].key.has_value());
        BOOST_TEST((items[0].key->type == KeyType::ecdsa_p256), f);
    }
    BOOST_TEST(describe_golden("ecexplicit/p256.named.pem").at(0).detail == "");
    BOOST_TEST(describe_golden("keys/rsa.p8.pem").at(0).detail == "");
}

BOOST_AUTO_TEST_SUITE_END()
