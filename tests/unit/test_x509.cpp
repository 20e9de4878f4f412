// Certificates read field by field, against what openssl x509 prints for the same files
// (tests/golden/x509/make.sh: NAME.txt beside NAME.pem).
#include "cert.h"
#include "pem.h"
#include "test_util.h"
#include "x509.h"

#include <boost/test/unit_test.hpp>

#include <sstream>

using namespace keypipe;
using keypipe::test::error_of;
using keypipe::test::golden;

namespace {

Bytes der_of(const std::string& name) {
    const std::string text = golden("x509/" + name);
    const auto blocks = pem::decode_all(ByteView(std::string_view(text)));
    return Bytes(blocks.at(0).body.begin(), blocks.at(0).body.end());
}

// "subject=..." etc. from NAME.txt
std::string openssl_says(const std::string& name, const std::string& key) {
    std::istringstream in(golden("x509/" + name + ".txt"));
    for (std::string line; std::getline(in, line);)
        if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
    return "";
}

// "2036-11-29 17:46:37Z" → "2036-11-29T17:46:37Z"
std::string iso(std::string s) {
    s[10] = 'T';
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(test_x509)

BOOST_AUTO_TEST_CASE(fields_equal_what_openssl_prints) {
    for (const std::string name : {"san", "uid", "pss", "v1"}) {
        const x509::Certificate c = x509::read(ByteView(der_of(name + ".pem")));
        BOOST_TEST(c.subject.text == openssl_says(name, "subject"), name);
        BOOST_TEST(c.issuer.text == openssl_says(name, "issuer"), name);
        BOOST_TEST(c.serial == openssl_says(name, "serial"), name);
        BOOST_TEST(x509::rfc3339(c.not_before) == iso(openssl_says(name, "notBefore")), name);
        BOOST_TEST(x509::rfc3339(c.not_after) == iso(openssl_says(name, "notAfter")), name);
    }
}

BOOST_AUTO_TEST_CASE(san_with_ipv6_and_names) {
    const x509::Certificate c = x509::read(ByteView(der_of("san.pem")), x509::Check::self_signature);
    const std::vector<std::string> want = {"DNS:a.example", "IP:10.0.0.1", "IP:2001:db8::1", "email:a@b.example",
                                           "URI:https://x.example/"};
    BOOST_TEST(c.san == want, boost::test_tools::per_element());
    BOOST_TEST(c.subject.common_name == "a,b \"q\"");
    BOOST_TEST(c.version == 3);
    BOOST_TEST(c.self_signed);
}

BOOST_AUTO_TEST_CASE(bit_string_name_attribute_is_read_not_refused) {
    const Bytes der = der_of("uid.pem");
    const x509::Certificate c = x509::read(ByteView(der), x509::Check::self_signature);
    BOOST_TEST(c.subject.common_name == "eid user");
    BOOST_TEST(c.subject.compact == "CN=eid user,x500UniqueIdentifier=#0303000780");
    BOOST_TEST(c.self_signed);
    BOOST_TEST(c.der == der);
    BOOST_TEST(static_cast<int>(cert::public_key_from_spki(ByteView(c.spki)).type) == static_cast<int>(KeyType::ecdsa_p256));
}

BOOST_AUTO_TEST_CASE(cert_read_certificate_takes_a_bit_string_name_attribute) {
    // Every tool's certificate reading goes through x509::read (Botan's X509_Certificate refused it).
    const cert::Certificate c = cert::read_certificate(ByteView(der_of("uid.pem")));
    BOOST_TEST(c.common_name == "eid user");
    BOOST_TEST(c.subject == "CN=eid user,x500UniqueIdentifier=#0303000780");
    BOOST_TEST(error_of([&] { cert::read_certificate(ByteView(der_of("pss.pem"))); }) == "unsupported key type: RSA-PSS");
}

BOOST_AUTO_TEST_CASE(rsa_pss_key_is_named) {
    const x509::Certificate c = x509::read(ByteView(der_of("pss.pem")));
    BOOST_TEST(c.subject.common_name == "pss");
    BOOST_TEST(error_of([&] { cert::public_key_from_spki(ByteView(c.spki)); }) == "unsupported key type: RSA-PSS");
}

BOOST_AUTO_TEST_CASE(version_1_without_extensions) {
    const x509::Certificate c = x509::read(ByteView(der_of("v1.pem")), x509::Check::self_signature);
    BOOST_TEST(c.version == 1);
    BOOST_TEST(c.san.empty());
    BOOST_TEST(c.self_signed);
}

BOOST_AUTO_TEST_CASE(pkcs7_certificates_in_order_pem_and_der) {
    const std::vector<Bytes> certs = x509::pkcs7_certificates(ByteView(der_of("bundle.p7b")));
    BOOST_TEST_REQUIRE(certs.size() == 3u);
    BOOST_TEST(certs[0] == der_of("san.pem"));
    BOOST_TEST(certs[1] == der_of("uid.pem"));
    BOOST_TEST(certs[2] == der_of("v1.pem"));
    const std::string der = golden("x509/bundle.p7b.der");
    BOOST_TEST(x509::pkcs7_certificates(ByteView(std::string_view(der))).size() == 3u);
}

BOOST_AUTO_TEST_CASE(request_subject_and_key) {
    const x509::Request r = x509::read_request(ByteView(der_of("req.csr")));
    BOOST_TEST(r.subject.text == "CN = request, O = keypipe");
    BOOST_TEST(static_cast<int>(cert::public_key_from_spki(ByteView(r.spki)).type) == static_cast<int>(KeyType::ecdsa_p256));
}

BOOST_AUTO_TEST_CASE(malformed_input_is_one_error) {
    Bytes der = der_of("san.pem");
    BOOST_TEST(error_of([&] { x509::read(ByteView(der.data(), der.size() - 1)); }).rfind("not a valid X.509 certificate", 0) == 0u);
    der.push_back(0);
    BOOST_TEST(error_of([&] { x509::read(ByteView(der)); }).rfind("not a valid X.509 certificate", 0) == 0u);
    const Bytes p7 = der_of("bundle.p7b");
    BOOST_TEST(error_of([&] { x509::read(ByteView(p7)); }).rfind("not a valid X.509 certificate", 0) == 0u);
    BOOST_TEST(error_of([&] { x509::pkcs7_certificates(ByteView(der_of("v1.pem"))); }).rfind("not a PKCS#7 SignedData", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(rfc3339_dates) {
    BOOST_TEST(x509::rfc3339(0) == "1970-01-01T00:00:00Z");
    BOOST_TEST(x509::rfc3339(951782400) == "2000-02-29T00:00:00Z");
    BOOST_TEST(x509::rfc3339(2524608000) == "2050-01-01T00:00:00Z");
}

BOOST_AUTO_TEST_CASE(the_self_signature_is_checked_only_when_asked) {
    BOOST_TEST(!x509::read(ByteView(der_of("san.pem"))).self_signed);
    BOOST_TEST(x509::read(ByteView(der_of("san.pem")), x509::Check::self_signature).self_signed);
}

BOOST_AUTO_TEST_SUITE_END()
