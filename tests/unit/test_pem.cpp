#include "error.h"
#include "pem.h"
#include "test_util.h"

#include <boost/test/unit_test.hpp>

using namespace keypipe;

namespace {
std::vector<pem::Block> decode(std::string_view text) { return pem::decode_all(ByteView(text)); }
std::string body(const pem::Block& b) { return std::string(b.body.begin(), b.body.end()); }
std::string error_of(std::string_view text) {
    return test::error_of([&] { decode(text); });
}
}  // namespace

BOOST_AUTO_TEST_SUITE(test_pem)

BOOST_AUTO_TEST_CASE(encodes_like_openssl_with_64_columns) {
    const std::string data(100, 'x');
    const std::string text = pem::encode("CERTIFICATE", ByteView(data));
    BOOST_TEST(text.substr(0, 28) == "-----BEGIN CERTIFICATE-----\n");
    BOOST_TEST(text.find('\n', 28) == 28u + 64u);
    BOOST_TEST(text.substr(text.size() - 26) == "-----END CERTIFICATE-----\n");
    const auto blocks = decode(text);
    BOOST_TEST_REQUIRE(blocks.size() == 1u);
    BOOST_TEST(body(blocks[0]) == data);
}

BOOST_AUTO_TEST_CASE(tolerates_crlf_blanks_and_text_around) {
    const auto blocks = decode("Bag Attributes\r\n  localKeyID: 01\r\n-----BEGIN X-----  \r\n  aGVs\r\nbG8=  \r\n\r\n"
                               "-----END X-----\r\ntrailing text\n");
    BOOST_TEST_REQUIRE(blocks.size() == 1u);
    BOOST_TEST(blocks[0].label == "X");
    BOOST_TEST(body(blocks[0]) == "hello");
    BOOST_TEST(blocks[0].line == 3u);
}

BOOST_AUTO_TEST_CASE(reads_several_blocks_in_order_without_final_newline) {
    const auto blocks = decode("-----BEGIN A-----\nYQ==\n-----END A-----\nnoise\n-----BEGIN B-----\nYg==\n-----END B-----");
    BOOST_TEST_REQUIRE(blocks.size() == 2u);
    BOOST_TEST(blocks[0].label == "A");
    BOOST_TEST(body(blocks[1]) == "b");
}

BOOST_AUTO_TEST_CASE(keeps_legacy_encryption_headers) {
    const auto blocks = decode("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                               "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nYQ==\n-----END RSA PRIVATE KEY-----\n");
    BOOST_TEST_REQUIRE(blocks.size() == 1u);
    BOOST_TEST(blocks[0].header("Proc-Type") == "4,ENCRYPTED");
    BOOST_TEST(blocks[0].header("DEK-Info") == "AES-128-CBC,00112233445566778899AABBCCDDEEFF");
    BOOST_TEST(body(blocks[0]) == "a");
}

BOOST_AUTO_TEST_CASE(missing_end_is_an_error) {
    BOOST_TEST(error_of("-----BEGIN CERTIFICATE-----\nYQ==\n") == "line 1: BEGIN \"CERTIFICATE\" has no END line");
}

BOOST_AUTO_TEST_CASE(wrong_end_label_is_an_error) {
    BOOST_TEST(error_of("x\n-----BEGIN CERTIFICATE-----\nYQ==\n-----END PRIVATE KEY-----\n") ==
               "line 4: END \"PRIVATE KEY\" does not match BEGIN \"CERTIFICATE\"");
}

BOOST_AUTO_TEST_CASE(bad_base64_is_an_error) {
    BOOST_TEST(error_of("-----BEGIN A-----\nYQ*=\n-----END A-----\n") == "line 2: not base64 inside \"A\" block");
    BOOST_TEST(error_of("-----BEGIN A-----\nYQ=\n-----END A-----\n") ==
               "line 1: \"A\" block has a truncated or malformed base64 body");
    BOOST_TEST(error_of("-----BEGIN A-----\nYQ==YQ==\n-----END A-----\n") ==
               "line 1: \"A\" block has a truncated or malformed base64 body");
}

BOOST_AUTO_TEST_CASE(begin_inside_a_block_is_an_error) {
    BOOST_TEST(error_of("-----BEGIN A-----\nYQ==\n-----BEGIN B-----\nYQ==\n-----END B-----\n") ==
               "line 3: BEGIN inside \"A\" block (missing END line)");
}

BOOST_AUTO_TEST_CASE(overlong_line_is_refused) {
    std::string text = "-----BEGIN A-----\n" + std::string(pem::max_line_bytes + 1, 'Y') + "\n-----END A-----\n";
    BOOST_TEST(error_of(text) == "line 2: longer than 262144 bytes");
}

BOOST_AUTO_TEST_CASE(contains_pem_only_at_line_start) {
    BOOST_TEST(pem::contains_pem(ByteView(std::string_view("x\n  -----BEGIN A-----\n"))));
    BOOST_TEST(!pem::contains_pem(ByteView(std::string_view("x -----BEGIN A-----\n"))));
    BOOST_TEST(!pem::contains_pem(ByteView(std::string_view("---- BEGIN SSH2 PUBLIC KEY ----\n"))));
}

BOOST_AUTO_TEST_SUITE_END()
