// Sniffing what an input is, for batches over real folders (common/classify.cpp): keys
// are let through (fail closed: anything that may be a private key is tried and reports
// its own error), everything else is named.
#include "classify.h"
#include "test_util.h"

#include <boost/test/unit_test.hpp>

using namespace keypipe;

namespace {
// What the sniffers say, with nullopt (let through) as "none".
std::string said(const std::optional<std::string>& why) { return why.value_or("none"); }
std::string not_private(const std::string& text) { return said(why_not_private_key(ByteView(text))); }
std::string not_pem_der(const std::string& text) { return said(why_not_pem_or_der(ByteView(text))); }
std::string not_cert(const std::string& text) { return said(why_not_certificate(ByteView(text))); }
const std::string none = "none";
}  // namespace

BOOST_AUTO_TEST_SUITE(test_classify)

BOOST_AUTO_TEST_CASE(private_keys_in_every_format_are_let_through) {
    for (auto f : {"keys/rsa.p8.pem", "keys/rsa.p8.der", "keys/ecdsa256.trad.pem", "keys/ecdsa256.trad.der",
                   "keys/ecdsa256.openssh", "keys/ecdsa256.openssh-enc", "keys/ecdsa256.putty.ppk",
                   "keys/ecdsa256.putty-enc.ppk", "keys/ecdsa256.p8-aes256.pem", "keys/ecdsa256.p8-aes256.der",
                   "keys/ecdsa256.trad-des3.pem", "openssh/ed25519.none"}) {
        BOOST_TEST_CONTEXT(f) { BOOST_TEST(not_private(test::golden(f)) == none); }
    }
    // A key behind text, or after a certificate in one bundle, is still a key.
    BOOST_TEST(not_private("notes\n" + test::golden("keys/ecdsa256.p8.pem")) == none);
    BOOST_TEST(not_private(test::golden("certs/p256.pem") + test::golden("certs/p256.key")) == none);
}

BOOST_AUTO_TEST_CASE(what_is_not_a_private_key_is_named) {
    BOOST_TEST(not_private(test::golden("sshpub/ed25519.pub")) == "public key");
    BOOST_TEST(not_private(test::golden("sshpub/rsa2048.rfc4716")) == "public key");
    BOOST_TEST(not_private(test::golden("certs/rsa2048.pub.pem")) == "public key");
    BOOST_TEST(not_private(test::golden("certs/rsa2048.rsapub.pem")) == "public key");
    BOOST_TEST(not_private(test::golden("certs/p256.pem")) == "certificate");
    BOOST_TEST(not_private(test::golden("certs/p256.der")) == "certificate");
    BOOST_TEST(not_private(test::golden("certs/v1.csr.pem")) == "certificate request");
    BOOST_TEST(not_private(test::golden("certs/crl.pem")) == "certificate revocation list");
    BOOST_TEST(not_private("Host *\n  IdentityFile ~/.ssh/id_rsa\n") == "not a key");
    BOOST_TEST(not_private(" \r\n\t") == "empty file");
}

BOOST_AUTO_TEST_CASE(damaged_keys_fail_closed) {
    // Not skipped as "not a key": converting them reports the real error.
    std::string pem = test::golden("keys/ecdsa256.p8.pem");
    pem[pem.size() / 2] = '!';
    BOOST_TEST(not_private(pem) == none);
    BOOST_TEST(not_private(std::string("\x30\x82\xff\xff", 4)) == none);
    BOOST_TEST(not_private("-----BEGIN PRIVATE KEY-----\nnot base64\n") == none);
}

BOOST_AUTO_TEST_CASE(pem_or_der) {
    BOOST_TEST(not_pem_der(test::golden("certs/p256.der")) == none);
    BOOST_TEST(not_pem_der(test::golden("certs/p256.pem")) == none);
    BOOST_TEST(not_pem_der(std::string("\x30\x03\x02\x01", 4)) == none);  // damaged DER: read it and say why
    BOOST_TEST(not_pem_der("README\n") == "not PEM or DER");
    BOOST_TEST(not_pem_der("") == "empty file");
}

BOOST_AUTO_TEST_CASE(certificates_and_public_keys) {
    BOOST_TEST(not_cert(test::golden("certs/p256.pem")) == none);
    BOOST_TEST(not_cert(test::golden("certs/bundle.pem")) == none);
    BOOST_TEST(not_cert(test::golden("certs/rsa2048.pub.der")) == none);
    BOOST_TEST(not_cert(test::golden("certs/p256.key")) == "private key");
    BOOST_TEST(not_cert(test::golden("certs/v1.csr.der")) == "certificate request");
    BOOST_TEST(not_cert("hello") == "not PEM or DER");
}

BOOST_AUTO_TEST_SUITE_END()
