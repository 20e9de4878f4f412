#include "cursor.h"

#include <botan/hex.h>

#include <boost/test/unit_test.hpp>

using namespace keypipe;

namespace {
std::string hex(ByteView v) { return Botan::hex_encode(v.data(), v.size(), false); }
std::string mpint_hex(const char* value_hex) {
    Writer w;
    w.mpint(Botan::BigInt(std::string("0x") + value_hex));
    return hex(ByteView(w.data()));
}
}  // namespace

BOOST_AUTO_TEST_SUITE(test_cursor)

BOOST_AUTO_TEST_CASE(mpint_sign_rules) {
    BOOST_TEST(mpint_hex("010001") == "00000003010001");
    BOOST_TEST(mpint_hex("80") == "000000020080");          // top bit set: leading zero
    BOOST_TEST(mpint_hex("7f") == "000000017f");
    BOOST_TEST(mpint_hex("00") == "00000000");              // zero is the empty string
    BOOST_TEST(mpint_hex("0100") == "000000020100");
}

BOOST_AUTO_TEST_CASE(reads_what_writer_writes) {
    Writer w;
    w.u32(7);
    w.string(std::string_view("ssh-rsa"));
    w.mpint(Botan::BigInt(65537));
    Cursor c(ByteView(w.data()), "record");
    BOOST_TEST(c.u32("n") == 7u);
    BOOST_TEST(c.name("type") == "ssh-rsa");
    BOOST_TEST(c.mpint("e") == Botan::BigInt(65537));
    c.expect_end();
}

BOOST_AUTO_TEST_CASE(errors_name_field_and_offset) {
    const auto data = Botan::hex_decode("00000010616263");
    Cursor c(ByteView(data), "SSH public key");
    try {
        c.string("key type");
        BOOST_FAIL("no error");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) == "SSH public key: key type at byte 4: 16 bytes needed, 3 left");
    }
}

BOOST_AUTO_TEST_CASE(refuses_negative_and_oversized_mpints) {
    const auto negative = Botan::hex_decode("0000000180");
    Cursor c(ByteView(negative), "k");
    BOOST_CHECK_THROW(c.mpint("e"), Error);
    const auto big = Botan::hex_decode("00000003010203");
    Cursor c2(ByteView(big), "k");
    BOOST_CHECK_THROW(c2.mpint("e", 8), Error);
}

BOOST_AUTO_TEST_CASE(trailing_bytes_are_an_error) {
    const auto data = Botan::hex_decode("0000000100ff");
    Cursor c(ByteView(data), "k");
    c.u32("a");
    BOOST_CHECK_THROW(c.expect_end(), Error);
}

BOOST_AUTO_TEST_CASE(names_must_be_printable_and_short) {
    const auto bad = Botan::hex_decode("00000003610062");
    Cursor c(ByteView(bad), "k");
    BOOST_CHECK_THROW(c.name("type"), Error);
}

BOOST_AUTO_TEST_SUITE_END()
