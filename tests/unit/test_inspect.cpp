// Describing inputs without a passphrase (common/inspect.cpp): here PKCS#12, whose MAC,
// part encryption and unencrypted bags are visible without the password.
#include "inspect.h"
#include "test_util.h"

#include <botan/asn1_obj.h>
#include <botan/der_enc.h>
#include <botan/oids.h>

#include <boost/test/unit_test.hpp>

using namespace keypipe;
using keypipe::test::golden;

namespace {
std::vector<inspect::Item> describe_golden(const std::string& name) {
    const std::string bytes = golden(name);
    return inspect::describe(ByteView(std::string_view(bytes)));
}
// A PFX { 3, authSafe, macData? } around `auth_type` with `content` as its [0] content.
std::vector<uint8_t> pfx(const std::string& auth_type, const std::vector<uint8_t>& content, bool mac) {
    Botan::DER_Encoder enc;
    enc.start_cons(Botan::SEQUENCE).encode(size_t{3});
    enc.start_cons(Botan::SEQUENCE).encode(Botan::OID(auth_type));
    enc.start_cons(Botan::ASN1_Tag(0), Botan::CONTEXT_SPECIFIC).raw_bytes(content).end_cons();
    enc.end_cons();
    if (mac)  // PBMAC1: named, not verified
        enc.start_cons(Botan::SEQUENCE)
            .start_cons(Botan::SEQUENCE)
            .start_cons(Botan::SEQUENCE).encode(Botan::OID("1.2.840.113549.1.5.14")).encode_null().end_cons()
            .encode(std::vector<uint8_t>(32), Botan::OCTET_STRING)
            .end_cons()
            .encode(std::vector<uint8_t>(8), Botan::OCTET_STRING)
            .encode(size_t{7})
            .end_cons();
    return Botan::unlock(enc.end_cons().get_contents());
}

std::vector<inspect::Item> describe_bytes(const std::vector<uint8_t>& der) {
    return inspect::describe(ByteView(der.data(), der.size()));
}
}  // namespace

BOOST_AUTO_TEST_SUITE(test_inspect)

// Parts keypipe cannot read are still named: CRL, secret and non-X.509 certificate bags, an
// envelopedData safe, another content type; and a PFX in public-key integrity mode.
BOOST_AUTO_TEST_CASE(pkcs12_parts_keypipe_does_not_read_are_named) {
    auto bag = [](const std::string& type, const std::vector<uint8_t>& value) {
        Botan::DER_Encoder b;
        b.start_cons(Botan::SEQUENCE).encode(Botan::OID(type));
        b.start_cons(Botan::ASN1_Tag(0), Botan::CONTEXT_SPECIFIC).raw_bytes(value).end_cons();
        return Botan::unlock(b.end_cons().get_contents());
    };
    Botan::DER_Encoder sdsi;  // CertBag { certId sdsiCertificate, [0] IA5String }
    sdsi.start_cons(Botan::SEQUENCE).encode(Botan::OID("1.2.840.113549.1.9.22.2"));
    sdsi.start_cons(Botan::ASN1_Tag(0), Botan::CONTEXT_SPECIFIC)
        .encode(Botan::ASN1_String("x", Botan::IA5_STRING)).end_cons().end_cons();
    const std::vector<uint8_t> null{0x05, 0x00};
    Botan::DER_Encoder safe;
    safe.start_cons(Botan::SEQUENCE)
        .raw_bytes(bag("1.2.840.113549.1.12.10.1.4", null))
        .raw_bytes(bag("1.2.840.113549.1.12.10.1.5", null))
        .raw_bytes(bag("1.2.840.113549.1.12.10.1.3", Botan::unlock(sdsi.get_contents())))
        .raw_bytes(bag("1.2.3.4", null))
        .end_cons();
    Botan::DER_Encoder auth;
    auth.start_cons(Botan::SEQUENCE);
    auth.start_cons(Botan::SEQUENCE).encode(Botan::OID("1.2.840.113549.1.7.1"));
    auth.start_cons(Botan::ASN1_Tag(0), Botan::CONTEXT_SPECIFIC).encode(Botan::unlock(safe.get_contents()), Botan::OCTET_STRING).end_cons();
    auth.end_cons();
    for (const char* type : {"1.2.840.113549.1.7.3", "1.2.840.113549.1.7.5"}) {
        auth.start_cons(Botan::SEQUENCE).encode(Botan::OID(type));
        auth.start_cons(Botan::ASN1_Tag(0), Botan::CONTEXT_SPECIFIC).encode_null().end_cons();
        auth.end_cons();
    }
    std::vector<uint8_t> auth_octets;
    Botan::DER_Encoder(auth_octets).encode(Botan::unlock(auth.end_cons().get_contents()), Botan::OCTET_STRING);

    const auto items = describe_bytes(pfx("1.2.840.113549.1.7.1", auth_octets, true));
    BOOST_TEST_REQUIRE(items.size() == 1u);
    BOOST_TEST(items[0].mac == "PBMAC1, 7 iterations");
    BOOST_TEST(!items[0].encrypted);
    std::vector<std::string> parts;
    for (const auto& part : items[0].parts) parts.push_back(part.content);
    const std::vector<std::string> want = {"CRL", "secret", "certificate of type 1.2.840.113549.1.9.22.2",
                                           "bag of type 1.2.3.4", "enveloped safe (public-key privacy mode)",
                                           "safe of content type 1.2.840.113549.1.7.5"};
    BOOST_TEST(parts == want, boost::test_tools::per_element());

    const auto signed_pfx = describe_bytes(pfx("1.2.840.113549.1.7.2", null, false));
    BOOST_TEST_REQUIRE(signed_pfx.size() == 1u);
    BOOST_TEST(signed_pfx[0].detail == "public-key integrity mode (signedData)");
    BOOST_TEST(signed_pfx[0].mac == "none");
    BOOST_TEST(signed_pfx[0].parts.empty());
}

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
