#define BOOST_TEST_MODULE keypipe
#include <boost/test/unit_test.hpp>

#include <string>

namespace keypipe::test {
std::string golden_dir() { return KEYPIPE_GOLDEN_DIR; }
}  // namespace keypipe::test
