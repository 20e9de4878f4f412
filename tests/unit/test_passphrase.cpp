// Passphrase sources (common/passphrase.cpp): env:, file:, fd:, read once, never a hang.
#include "error.h"
#include "passphrase.h"
#include "test_util.h"

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <unistd.h>

using namespace keypipe;
using keypipe::test::error_of;

namespace {
std::string text(const SecretBytes& s) { return std::string(s.begin(), s.end()); }
}  // namespace

BOOST_AUTO_TEST_SUITE(test_passphrase)

BOOST_AUTO_TEST_CASE(env_file_and_fd_sources) {
    ::setenv("KEYPIPE_TEST_PASS", "from-env", 1);
    BOOST_TEST(text(Passphrase("env:KEYPIPE_TEST_PASS", "--passin").get("k")) == "from-env");
    char path[] = "/tmp/keypipe-pass-XXXXXX";
    const int fd = ::mkstemp(path);
    BOOST_TEST_REQUIRE(fd >= 0);
    BOOST_TEST(::write(fd, "from-file\nsecond line\n", 22) == 22);
    ::close(fd);
    BOOST_TEST(text(Passphrase(std::string("file:") + path, "--passin").get("k")) == "from-file");  // first line only
    ::unlink(path);
    int pipe_fds[2];
    BOOST_TEST_REQUIRE(::pipe(pipe_fds) == 0);
    BOOST_TEST(::write(pipe_fds[1], "from-fd\n", 8) == 8);
    ::close(pipe_fds[1]);
    Passphrase from_fd("fd:" + std::to_string(pipe_fds[0]), "--passin");
    BOOST_TEST(text(from_fd.get("k")) == "from-fd");
    BOOST_TEST(text(from_fd.get("k")) == "from-fd");  // read once, then cached
    ::close(pipe_fds[0]);
}

BOOST_AUTO_TEST_CASE(bad_specs_and_missing_sources_are_clear_errors) {
    BOOST_CHECK_THROW(Passphrase("nonsense", "--passin"), UsageError);
    ::unsetenv("KEYPIPE_TEST_UNSET");
    BOOST_CHECK_THROW(Passphrase("env:KEYPIPE_TEST_UNSET", "--passin").get("k"), Error);
    NoPassphrase none;
    BOOST_TEST(error_of([&] { none.get("the PPK key"); }) == "the PPK key is encrypted (use --passin SRC)");
}

BOOST_AUTO_TEST_CASE(tracking_records_whether_asked) {
    FixedPassphrase fixed("pw");
    TrackingPassphrase tracking(fixed);
    BOOST_TEST(!tracking.asked());
    BOOST_TEST(text(tracking.get("k")) == "pw");
    BOOST_TEST(tracking.asked());
}

BOOST_AUTO_TEST_CASE(specs_that_read_stdin) {
    for (const char* spec : {"fd:0", "fd:00", "file:/dev/stdin", "file:/dev/fd/0", "file:/proc/self/fd/0"})
        BOOST_TEST(reads_stdin(spec), spec);
    for (const char* spec : {"fd:3", "fd:10", "fd:", "file:stdin", "env:FD0", "pass:fd:0", ""})
        BOOST_TEST(!reads_stdin(spec), spec);
}

BOOST_AUTO_TEST_SUITE_END()
