// Start-up hardening (common/process.cpp). Each case runs in a forked child, because
// harden_process changes the whole process and works only once.
#include "process.h"

#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <functional>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

using namespace keypipe;

namespace {

// Runs `body` in a child; the child's wait status. `body` returns the exit code: 0 for
// pass, the number of the failed check otherwise.
int in_child(const std::function<int()>& body) {
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(body());
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

bool passed(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

}  // namespace

BOOST_AUTO_TEST_SUITE(test_process)

BOOST_AUTO_TEST_CASE(closed_standard_descriptors_are_opened_on_dev_null) {
    const int status = in_child([] {
        ::close(STDIN_FILENO);
        ::close(STDOUT_FILENO);
        harden_process();
        if (::fcntl(STDIN_FILENO, F_GETFD) == -1 || ::fcntl(STDOUT_FILENO, F_GETFD) == -1) return 1;
        if (!stdout_was_closed()) return 2;
        // A file opened now cannot become stdout.
        const int fd = ::open("/dev/zero", O_RDONLY);
        if (fd <= STDERR_FILENO) return 3;
        // Writing to the closed stdout fails; it does not vanish into /dev/null.
        if (::write(STDOUT_FILENO, "x", 1) != -1 || errno != EBADF) return 4;
        char c;
        if (::read(STDIN_FILENO, &c, 1) != 0) return 5;  // stdin reads as empty
        return 0;
    });
    BOOST_TEST(passed(status), "child status " << status);
}

BOOST_AUTO_TEST_CASE(open_descriptors_are_left_alone) {
    const int status = in_child([] {
        harden_process();
        return stdout_was_closed() ? 1 : 0;
    });
    BOOST_TEST(passed(status));
}

BOOST_AUTO_TEST_CASE(no_core_dumps) {
    const int status = in_child([] {
        const rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
        ::setrlimit(RLIMIT_CORE, &unlimited);  // may fail unprivileged; the check below holds either way
        harden_process();
        rlimit now{};
        ::getrlimit(RLIMIT_CORE, &now);
        if (now.rlim_cur != 0 || now.rlim_max != 0) return 1;
        if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) return 2;
        return 0;
    });
    BOOST_TEST(passed(status));
}

BOOST_AUTO_TEST_CASE(a_signal_restores_the_terminal_and_still_ends_the_process) {
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    BOOST_REQUIRE(master >= 0);
    BOOST_REQUIRE(::grantpt(master) == 0 && ::unlockpt(master) == 0);
    const int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
    BOOST_REQUIRE(slave >= 0);
    termios echo_on{};
    BOOST_REQUIRE(::tcgetattr(slave, &echo_on) == 0);
    BOOST_REQUIRE(echo_on.c_lflag & ECHO);

    const int status = in_child([&] {
        ::signal(SIGTERM, SIG_DFL);
        harden_process();
        restore_terminal_on_signal(slave, echo_on);
        termios off = echo_on;
        off.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(slave, TCSANOW, &off);  // what the passphrase prompt does
        ::raise(SIGTERM);
        return 1;  // not reached
    });
    BOOST_TEST(WIFSIGNALED(status));
    BOOST_TEST(WTERMSIG(status) == SIGTERM);  // same status as without the handler
    termios after{};
    BOOST_REQUIRE(::tcgetattr(slave, &after) == 0);
    BOOST_TEST((after.c_lflag & ECHO) != 0u);

    // Without restore_terminal_on_signal (or after forget_terminal), echo stays off: the
    // check above can fail.
    const int status2 = in_child([&] {
        ::signal(SIGTERM, SIG_DFL);
        harden_process();
        restore_terminal_on_signal(slave, echo_on);
        forget_terminal();
        termios off = echo_on;
        off.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(slave, TCSANOW, &off);
        ::raise(SIGTERM);
        return 1;
    });
    BOOST_TEST(WIFSIGNALED(status2));
    BOOST_REQUIRE(::tcgetattr(slave, &after) == 0);
    BOOST_TEST((after.c_lflag & ECHO) == 0u);
    ::close(slave);
    ::close(master);
}

BOOST_AUTO_TEST_CASE(a_signal_the_caller_ignores_stays_ignored) {
    const int status = in_child([] {
        ::signal(SIGPIPE, SIG_IGN);
        ::signal(SIGHUP, SIG_DFL);
        harden_process();
        struct sigaction pipe {}, hup {};
        ::sigaction(SIGPIPE, nullptr, &pipe);
        ::sigaction(SIGHUP, nullptr, &hup);
        if (pipe.sa_handler != SIG_IGN) return 1;   // nohup and `trap '' PIPE` are kept
        if (hup.sa_handler == SIG_DFL) return 2;     // a default one is taken over
        return 0;
    });
    BOOST_TEST(passed(status));
}

BOOST_AUTO_TEST_SUITE_END()
