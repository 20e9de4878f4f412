// The keys of objects (common/describe.cpp): certificates, bare public keys, and the
// never-throwing public key of any object.
#include "describe.h"
#include "error.h"
#include "objects.h"
#include "test_util.h"

#include <boost/test/unit_test.hpp>

using namespace keypipe;
using keypipe::test::golden;

BOOST_AUTO_TEST_SUITE(test_describe)

BOOST_AUTO_TEST_CASE(certificates_keys_and_the_rest) {
    const auto objects = read_objects(ByteView(golden("certs/bundle.pem")));
    BOOST_TEST(object_certificate(objects[0]).has_value());
    BOOST_TEST(!object_bare_public_key(objects[0]).has_value());
    BOOST_TEST(object_public_key(objects[0]).has_value());
    const auto key = read_objects(ByteView(golden("keys/ecdsa256.p8.pem")))[0];
    BOOST_TEST(!object_certificate(key).has_value());
    BOOST_TEST(object_public_key(key).has_value());  // an unencrypted private key's public part
    const auto encrypted = read_objects(ByteView(golden("keys/ecdsa256.p8-aes256.pem")))[0];
    BOOST_TEST(!object_public_key(encrypted).has_value());  // never asks for a passphrase
    Object broken{"CERTIFICATE", SecretBytes{0x30, 0x00}, {}, true, 1};
    BOOST_CHECK_THROW(object_certificate(broken), Error);
    BOOST_TEST(!object_public_key(broken).has_value());  // never throws
}

BOOST_AUTO_TEST_SUITE_END()
