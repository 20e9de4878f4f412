// Splitting inputs into objects (common/objects.cpp), and what counts as private.
#include "error.h"
#include "objects.h"
#include "pem.h"
#include "test_util.h"

#include <botan/hex.h>

#include <boost/test/unit_test.hpp>

using namespace keypipe;
using keypipe::test::error_of;
using keypipe::test::golden;

BOOST_AUTO_TEST_SUITE(test_objects)

BOOST_AUTO_TEST_CASE(pem_blocks_and_der_objects_get_labels) {
    const auto pem_objects = read_objects(ByteView(golden("certs/bundle.pem")));
    BOOST_TEST(pem_objects.size() > 1u);
    for (const Object& o : pem_objects) BOOST_TEST(o.from_pem);
    const auto der = read_objects(ByteView(golden("keys/ecdsa256.p8.der")));
    BOOST_TEST_REQUIRE(der.size() == 1u);
    BOOST_TEST(der[0].label == "PRIVATE KEY");
    BOOST_TEST(error_of([] { read_objects(ByteView(std::string_view(" \n"))); }) == "empty input");
}

BOOST_AUTO_TEST_CASE(private_by_label_or_structure_and_fail_closed) {
    const auto key = read_objects(ByteView(golden("keys/ecdsa256.p8.der")))[0];
    Object mislabelled{"CERTIFICATE", key.body, {}, true, 1};
    BOOST_TEST(holds_private_key(mislabelled));  // a key under a public label
    const auto unknown = Botan::hex_decode("3003020105");  // a SEQUENCE of one INTEGER: no known structure
    Object unclassifiable{"CERTIFICATE", SecretBytes(unknown.begin(), unknown.end()), {}, true, 1};
    BOOST_TEST(holds_private_key(unclassifiable));  // fail closed
    const auto cert = read_objects(ByteView(golden("certs/bundle.pem")))[0];
    BOOST_TEST(!holds_private_key(cert));
}

BOOST_AUTO_TEST_CASE(why_not_der_names_no_tool) {
    Object openssh{"OPENSSH PRIVATE KEY", {}, {}, true, 1};
    BOOST_TEST(why_not_der(openssh) == "an OpenSSH private key is not DER");
    Object legacy{"RSA PRIVATE KEY", {}, {{"Proc-Type", "4,ENCRYPTED"}, {"DEK-Info", "AES-128-CBC,00"}}, true, 1};
    BOOST_TEST(why_not_der(legacy) == "an encrypted legacy PEM key (Proc-Type header) has no DER form");
    Object plain{"RSA PRIVATE KEY", {}, {}, true, 1};
    BOOST_TEST(why_not_der(plain) == "");
}

BOOST_AUTO_TEST_SUITE_END()
