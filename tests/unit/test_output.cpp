// Safe writes (common/output.cpp): mode 0600 for keys, no overwrite without force, no
// temporary left behind.
#include "error.h"
#include "output.h"
#include "test_util.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

using namespace keypipe;
namespace fs = std::filesystem;

namespace {
struct TempDir {
    fs::path path = fs::temp_directory_path() / ("keypipe-output-" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() { fs::remove_all(path); }
};
std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

BOOST_AUTO_TEST_SUITE(test_output)

BOOST_AUTO_TEST_CASE(private_files_are_0600_and_not_replaced_without_force) {
    TempDir dir;
    const std::string key = (dir.path / "k").string();
    write_file_atomic(key, ByteView(std::string_view("secret")), Sensitivity::private_key, false);
    struct stat st {};
    BOOST_TEST_REQUIRE(::stat(key.c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0600u);
    BOOST_TEST(read(key) == "secret");
    BOOST_CHECK_THROW(write_file_atomic(key, ByteView(std::string_view("other")), Sensitivity::private_key, false), Error);
    BOOST_TEST(read(key) == "secret");
    write_file_atomic(key, ByteView(std::string_view("other")), Sensitivity::private_key, true);
    BOOST_TEST(read(key) == "other");
    size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path)) ++entries;
    BOOST_TEST(entries == 1u);  // no temporary left
}

BOOST_AUTO_TEST_CASE(parent_dir_of_paths) {
    BOOST_TEST(parent_dir("a/b/c") == "a/b");
    BOOST_TEST(parent_dir("c") == ".");
}

BOOST_AUTO_TEST_SUITE_END()
