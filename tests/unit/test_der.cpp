#include "der.h"
#include "error.h"
#include "objects.h"

#include <botan/hex.h>

#include <boost/test/unit_test.hpp>

#include <iomanip>
#include <sstream>

using namespace keypipe;

namespace {
std::string label_of(const std::string& hex) {
    const auto b = Botan::hex_decode(hex);
    try {
        return der::detect_label(ByteView(b));
    } catch (const Error& e) {
        return std::string("error: ") + e.what();
    }
}
const std::string algid_rsa = "300d06092a864886f70d0101010500";
const std::string algid_ed = "300506032b6570";
}  // namespace

BOOST_AUTO_TEST_SUITE(test_der)

BOOST_AUTO_TEST_CASE(detects_every_label_of_the_table) {
    // Minimal shapes of formats.md §2.8; real files are covered by the interop tests.
    const std::string tbs_v3 = "3008a003020102020101";
    const std::string signed_tail = algid_rsa + "03020000";
    auto seq = [](const std::string& inner) {
        std::ostringstream s;
        s << "30" << std::hex << std::setw(2) << std::setfill('0') << inner.size() / 2 << inner;
        return s.str();
    };
    BOOST_TEST(label_of(seq(tbs_v3 + signed_tail)) == "CERTIFICATE");
    BOOST_TEST(label_of(seq(seq("020100" + seq("3100") + seq(algid_ed + "03020000")) + signed_tail)) == "CERTIFICATE REQUEST");
    BOOST_TEST(label_of(seq(seq(algid_rsa + seq("") + "170d3236303130313030303030305a") + signed_tail)) == "X509 CRL");
    BOOST_TEST(label_of(seq(algid_ed + "03020000")) == "PUBLIC KEY");
    BOOST_TEST(label_of(seq(algid_rsa + "040100")) == "ENCRYPTED PRIVATE KEY");
    BOOST_TEST(label_of(seq("020100" + algid_ed + "0400")) == "PRIVATE KEY");
    BOOST_TEST(label_of(seq("020101" + std::string("0400") + "a000")) == "EC PRIVATE KEY");
    BOOST_TEST(label_of(seq("020100020101020101020101020101020101020101020101020101")) == "RSA PRIVATE KEY");
    BOOST_TEST(label_of(seq("020101020101")) == "RSA PUBLIC KEY");
    BOOST_TEST(label_of(seq("020100020101020101020101020101020101")) == "DSA PRIVATE KEY");
    BOOST_TEST(label_of("06082a8648ce3d030107") == "EC PARAMETERS");
    // Explicit parameters (openssl ecparam -param_enc explicit): version 1, fieldID, curve, base, order, cofactor.
    BOOST_TEST(label_of(seq("020101" + seq("06072a8648ce3d0101020107") + seq("040101040101") + "040100" + "020107" + "020101")) ==
               "EC PARAMETERS");
    BOOST_TEST(label_of(seq("06092a864886f70d010702a000")) == "PKCS7");
    BOOST_TEST(label_of(seq(tbs_v3 + signed_tail) + "3000") == "TRUSTED CERTIFICATE");
}

BOOST_AUTO_TEST_CASE(refuses_what_is_not_der) {
    BOOST_TEST(label_of("3080020100") == "error: DER at byte 1: indefinite length (BER, not DER)");
    BOOST_TEST(label_of("3081050201000400") == "error: DER at byte 1: non-minimal length encoding");
    BOOST_TEST(label_of("300502010004") == "error: DER at byte 2: 5 bytes needed, 4 left");
    BOOST_TEST(label_of("30030201000000") == "error: DER at byte 5: 2 bytes after the DER element");
    BOOST_TEST(label_of("3085ffffffffff") == "error: DER at byte 1: length field of 5 bytes");
    BOOST_TEST(label_of("0400") == "error: DER: top-level element is not a SEQUENCE");
    BOOST_TEST(label_of("3003020103") == "error: DER: unrecognised structure (not a certificate, key, request or CRL)");
    BOOST_TEST(label_of("3003040100") == "error: DER: unrecognised structure (not a certificate, key, request or CRL)");
}

BOOST_AUTO_TEST_CASE(trusted_certificate_only_with_a_real_x509_cert_aux) {
    const std::string cert = "301d" "3008a003020102020101" + algid_rsa + "03020000";
    BOOST_TEST(label_of(cert + "3000") == "TRUSTED CERTIFICATE");
    // trust { serverAuth }, alias "a", keyid: what openssl x509 -trustout -setalias writes
    BOOST_TEST(label_of(cert + "3013" "300a06082b06010505070301" "0c0161" "04020102") == "TRUSTED CERTIFICATE");
    BOOST_TEST(label_of(cert + cert) == "error: DER at byte 31: 31 bytes after the DER element");  // two certificates
    BOOST_TEST(label_of(cert + "30020500") == "error: DER at byte 31: 4 bytes after the DER element");
    BOOST_TEST(label_of(cert + "3007" "04020102" "0c0161").rfind("error:", 0) == 0);  // fields out of order
}

BOOST_AUTO_TEST_CASE(concatenated_der_is_one_object_per_element) {
    const std::string cert = "301d" "3008a003020102020101" + algid_rsa + "03020000";
    const std::string pub = "300b" + algid_ed + "03020000";
    auto objects = [](const std::string& hex) {
        const auto b = Botan::hex_decode(hex);
        std::vector<std::string> labels;
        for (const Object& o : read_objects(ByteView(b))) labels.push_back(o.label + ":" + std::to_string(o.body.size()));
        return labels;
    };
    BOOST_TEST(objects(cert + cert + pub) == (std::vector<std::string>{"CERTIFICATE:31", "CERTIFICATE:31", "PUBLIC KEY:13"}));
    BOOST_TEST(objects(cert + "3000") == (std::vector<std::string>{"TRUSTED CERTIFICATE:33"}));
    BOOST_TEST(objects(cert) == (std::vector<std::string>{"CERTIFICATE:31"}));
    // trailing junk and a truncated second element stay errors about the first element
    BOOST_CHECK_EXCEPTION(objects(cert + "0000"), Error,
                          [](const Error& e) { return std::string(e.what()) == "DER at byte 31: 2 bytes after the DER element"; });
    BOOST_CHECK_EXCEPTION(objects(cert + "3018"), Error,
                          [](const Error& e) { return std::string(e.what()) == "DER at byte 31: 2 bytes after the DER element"; });
    BOOST_CHECK_EXCEPTION(objects(cert + "3003020103"), Error, [](const Error& e) {
        return std::string(e.what()) ==
               "DER element 2 of 2 (at byte 31): DER: unrecognised structure (not a certificate, key, request or CRL)";
    });
    std::string many;
    for (int i = 0; i < 4097; ++i) many += pub;
    BOOST_CHECK_EXCEPTION(objects(many), Error, [](const Error& e) { return std::string(e.what()) == "more than 4096 DER elements"; });
}

BOOST_AUTO_TEST_CASE(bounds_nesting_depth) {
    std::string hex = "0500";
    for (size_t i = 0; i < der::max_depth + 2; ++i) {
        std::ostringstream s;
        s << "30" << std::hex << std::setw(2) << std::setfill('0') << hex.size() / 2 << hex;
        if (hex.size() / 2 >= 0x80) break;
        hex = s.str();
    }
    const auto b = Botan::hex_decode(hex);
    BOOST_CHECK_THROW(der::check_single_element(ByteView(b)), Error);
}

BOOST_AUTO_TEST_CASE(oid_strings) {
    BOOST_TEST(der::oid_string(ByteView(Botan::hex_decode("2a864886f70d010101"))) == "1.2.840.113549.1.1.1");
    BOOST_TEST(der::oid_string(ByteView(Botan::hex_decode("2b6570"))) == "1.3.101.112");
    BOOST_TEST(der::oid_string(ByteView(Botan::hex_decode("8837"))) == "2.999");
    BOOST_CHECK_THROW(der::oid_string(ByteView(Botan::hex_decode("2a86"))), Error);
}

BOOST_AUTO_TEST_SUITE_END()
