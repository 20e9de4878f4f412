// Safe writes (common/output.cpp): mode 0600 for keys, no overwrite without force, no
// temporary left behind.
#include "error.h"
#include "output.h"
#include "test_util.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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

size_t entries(const fs::path& dir) {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
    return n;
}

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

// A failure after the first file of a group is in place takes that file back: here the
// second name is created by someone else between staging and commit (no -f).
BOOST_AUTO_TEST_CASE(group_takes_back_a_new_file_when_the_second_fails) {
    TempDir dir;
    const std::string key = (dir.path / "k").string(), cert = (dir.path / "c").string();
    {
        FileGroup group(false);
        group.add(key, ByteView(std::string_view("new key")), Sensitivity::private_key);
        group.add(cert, ByteView(std::string_view("new cert")), Sensitivity::public_data);
        write_text(cert, "theirs");
        BOOST_CHECK_THROW(group.commit(), Error);
    }
    BOOST_TEST(!fs::exists(key));
    BOOST_TEST(read(cert) == "theirs");
    BOOST_TEST(entries(dir.path) == 1u);
}

// With -f, a replaced file gets its old content back.
BOOST_AUTO_TEST_CASE(group_puts_back_a_replaced_file_when_the_second_fails) {
    TempDir dir;
    const std::string key = (dir.path / "k").string(), cert = (dir.path / "c").string();
    write_text(key, "old key");
    ::chmod(key.c_str(), 0640);
    {
        FileGroup group(true);
        group.add(key, ByteView(std::string_view("new key")), Sensitivity::private_key);
        group.add(cert, ByteView(std::string_view("new cert")), Sensitivity::public_data);
        fs::create_directory(cert);  // renaming a file over a folder fails
        BOOST_CHECK_THROW(group.commit(), Error);
    }
    BOOST_TEST(read(key) == "old key");
    struct stat st {};
    BOOST_TEST_REQUIRE(::stat(key.c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0640u);  // the old file itself, not a copy
    BOOST_TEST(fs::is_directory(cert));
    BOOST_TEST(entries(dir.path) == 2u);
}

BOOST_AUTO_TEST_CASE(group_writes_all_and_replaces_with_force) {
    TempDir dir;
    const std::string key = (dir.path / "k").string(), cert = (dir.path / "c").string();
    write_text(key, "old key");
    FileGroup group(true);
    group.add(key, ByteView(std::string_view("new key")), Sensitivity::private_key);
    group.add(cert, ByteView(std::string_view("new cert")), Sensitivity::public_data);
    BOOST_TEST(read(key) == "old key");  // staged only
    group.commit();
    BOOST_TEST(read(key) == "new key");
    BOOST_TEST(read(cert) == "new cert");
    BOOST_TEST(entries(dir.path) == 2u);
}

size_t temporaries(const fs::path& dir) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir)) n += e.path().filename().string().rfind(".keypipe-", 0) == 0;
    return n;
}

// Stale temporaries: those of a process killed while it held staged files (here a child
// that stages more files than it keeps descriptors for, so that some have names, and
// ends without cleaning up) are removed by the next run; a live run's are kept, and
// names that only look alike are never touched.
BOOST_AUTO_TEST_CASE(stale_temporaries_are_removed_live_ones_kept) {
    TempDir dir;
    write_text(dir.path / ".keypipe-notes.tmp", "user file");
    write_text(dir.path / ".keypipe-1-2.tmp", "old-style name, recent: kept for an hour");
    write_text(dir.path / ".keypipe-1-2-00000000-3.tmp", "another boot's, recent: kept for an hour");
    StagedFile live((dir.path / "live").string(), ByteView(std::string_view("x")), Sensitivity::private_key, true);
    std::vector<std::unique_ptr<StagedFile>> parked_here;  // this process's, with names
    for (int i = 0; i < 300; ++i)
        parked_here.push_back(std::make_unique<StagedFile>((dir.path / ("p" + std::to_string(i))).string(),
                                                           ByteView(std::string_view("p")), Sensitivity::public_data, true));
    const size_t ours = temporaries(dir.path) - 3;
    BOOST_TEST_REQUIRE(ours > 0u);
    const pid_t child = ::fork();
    BOOST_TEST_REQUIRE(child >= 0);
    if (child == 0) {
        std::vector<StagedFile*> leaked;
        for (int i = 0; i < 300; ++i)
            leaked.push_back(new StagedFile((dir.path / ("c" + std::to_string(i))).string(), ByteView(std::string_view("c")),
                                            Sensitivity::public_data, true));
        ::_exit(0);  // as if killed: no destructor runs
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    BOOST_TEST_REQUIRE(temporaries(dir.path) > ours + 3);
    remove_stale_temporaries(dir.path.string() + "/.");  // another spelling: scanned again
    BOOST_TEST(temporaries(dir.path) == ours + 3);
    BOOST_TEST(fs::exists(dir.path / ".keypipe-notes.tmp"));
    BOOST_TEST(fs::exists(dir.path / ".keypipe-1-2.tmp"));
    BOOST_TEST(fs::exists(dir.path / ".keypipe-1-2-00000000-3.tmp"));
    for (auto& f : parked_here) f->link();
    live.link();
    BOOST_TEST(read(dir.path / "live") == "x");
    BOOST_TEST(read(dir.path / "p299") == "p");
    BOOST_TEST(temporaries(dir.path) == 3u);
}

BOOST_AUTO_TEST_CASE(parent_dir_of_paths) {
    BOOST_TEST(parent_dir("a/b/c") == "a/b");
    BOOST_TEST(parent_dir("c") == ".");
}

BOOST_AUTO_TEST_SUITE_END()
