#include "lines.h"
#include "test_util.h"

#include <boost/test/unit_test.hpp>

#include <vector>

using namespace keypipe;

namespace {
std::vector<std::string> all(std::string_view text, size_t max = 16) {
    Lines lines(text, max);
    std::vector<std::string> out;
    std::string_view line;
    while (lines.next(line)) out.emplace_back(line);
    return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(test_lines)

BOOST_AUTO_TEST_CASE(lf_and_crlf_ends_are_dropped) {
    BOOST_TEST(all("a\nb\r\nc") == (std::vector<std::string>{"a", "b", "c"}));
    BOOST_TEST(all("a\n\n") == (std::vector<std::string>{"a", ""}));
    BOOST_TEST(all("") == std::vector<std::string>{});
    BOOST_TEST(all("a\r\r\n") == (std::vector<std::string>{"a\r"}));  // one CR, the line end's
}

BOOST_AUTO_TEST_CASE(numbers_count_from_one) {
    Lines lines("x\ny\n", 16);
    std::string_view line;
    BOOST_TEST(lines.next(line));
    BOOST_TEST(lines.number() == 1u);
    BOOST_TEST(lines.next(line));
    BOOST_TEST(lines.number() == 2u);
    BOOST_TEST(!lines.next(line));
}

BOOST_AUTO_TEST_CASE(an_overlong_line_is_an_error_naming_it) {
    BOOST_TEST(test::error_of([] { all("short\n" + std::string(17, 'x') + "\n"); }) == "line 2: longer than 16 bytes");
    BOOST_TEST(all(std::string(16, 'x')).size() == 1u);  // exactly the bound is fine
}

BOOST_AUTO_TEST_SUITE_END()
