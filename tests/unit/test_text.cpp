// Byte-order marks and the key formats that are named instead of being called "not PEM or
// DER" (common/text.cpp).
#include "error.h"
#include "test_util.h"
#include "text.h"

#include <boost/test/unit_test.hpp>

using namespace keypipe;

namespace {
std::string decoded(const std::string& in) {
    const auto out = text::decode_bom(ByteView(in));
    return out ? std::string(out->begin(), out->end()) : "<none>";
}
// UTF-16 of an ASCII/BMP string given as code units.
std::string utf16(std::u16string s, bool big_endian) {
    std::string out = big_endian ? "\xfe\xff" : "\xff\xfe";
    for (char16_t c : s) {
        const char hi = static_cast<char>(c >> 8), lo = static_cast<char>(c & 0xff);
        out += big_endian ? std::string{hi, lo} : std::string{lo, hi};
    }
    return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(test_text)

BOOST_AUTO_TEST_CASE(no_bom_leaves_the_input_alone) {
    BOOST_TEST(decoded("-----BEGIN") == "<none>");
    BOOST_TEST(decoded("") == "<none>");
    BOOST_TEST(decoded("\xef\xbb") == "<none>");
}

BOOST_AUTO_TEST_CASE(a_utf8_bom_is_dropped) {
    BOOST_TEST(decoded("\xef\xbb\xbf-----BEGIN") == "-----BEGIN");
    BOOST_TEST(decoded("\xef\xbb\xbf") == "");
}

BOOST_AUTO_TEST_CASE(utf16_le_and_be_become_utf8) {
    BOOST_TEST(decoded(utf16(u"key\r\n", false)) == "key\r\n");
    BOOST_TEST(decoded(utf16(u"key\r\n", true)) == "key\r\n");
    BOOST_TEST(decoded(utf16(u"\u00e9\u20ac", false)) == "\xc3\xa9\xe2\x82\xac");        // 2- and 3-byte UTF-8
    BOOST_TEST(decoded(utf16(u"\U0001F511", true)) == "\xf0\x9f\x94\x91");               // a surrogate pair
    // The whole golden PEM, as PowerShell 5's Out-File writes it, reads back the same.
    const std::string pem = test::golden("certs/p256.pem");
    BOOST_TEST(decoded(utf16(std::u16string(pem.begin(), pem.end()), false)) == pem);
}

BOOST_AUTO_TEST_CASE(broken_utf16_is_an_error) {
    BOOST_TEST(test::error_of([] { decoded("\xff\xfe" "a"); }) == "UTF-16 text with an odd number of bytes");
    BOOST_TEST(test::error_of([] { decoded(utf16(u"a\xd800", false)); }) != "no error");    // unpaired high
    BOOST_TEST(test::error_of([] { decoded(utf16(u"\xdc00z", true)); }) != "no error");     // lone low
}

BOOST_AUTO_TEST_CASE(known_foreign_key_formats_are_named) {
    auto why = [](const std::string& s) { return text::unsupported_format(ByteView(s)); };
    BOOST_TEST(why("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nabc\n").find("ssh.com") != std::string::npos);
    BOOST_TEST(why(std::string("SSH PRIVATE KEY FILE FORMAT 1.1\n")).find("SSH-1") != std::string::npos);
    const std::string dropbear = std::string("\0\0\0\x0bssh-ed25519", 15) + std::string(68, 'k');
    BOOST_TEST(why(dropbear).find("dropbear") != std::string::npos);
    for (auto type : {"ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp521"}) {
        const std::string name(type);
        BOOST_TEST(why(std::string("\0\0\0", 3) + static_cast<char>(name.size()) + name + "xx").find("dropbear") != std::string::npos);
    }
    BOOST_TEST(why(std::string("\0\0\0\x07ssh-foo", 11)) == "");
    BOOST_TEST(why(test::golden("certs/p256.pem")) == "");
    BOOST_TEST(why(std::string("\0\0\0", 3)) == "");
    BOOST_TEST(why("") == "");
}

BOOST_AUTO_TEST_SUITE_END()
