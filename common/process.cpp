#include "process.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace keypipe {
namespace {

bool stdout_closed = false;

// The terminal to restore when a signal ends the process (-1: none). The termios is
// written before the descriptor is published, and read by the handler only after it.
std::atomic<int> terminal_fd{-1};
termios terminal_saved{};

// Signals whose default action ends the process. Stop signals are left alone: the shell
// restores its own terminal settings when a job stops.
const int fatal_signals[] = {
    SIGHUP,  SIGINT,  SIGQUIT, SIGILL,  SIGTRAP, SIGABRT,   SIGBUS,  SIGFPE, SIGUSR1, SIGSEGV, SIGUSR2,
    SIGPIPE, SIGALRM, SIGTERM, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO,  SIGSYS,
#ifdef SIGSTKFLT
    SIGSTKFLT,
#endif
#ifdef SIGPWR
    SIGPWR,
#endif
};

extern "C" void on_fatal_signal(int sig) {
    // Only async-signal-safe calls from here on.
    const int fd = terminal_fd.load(std::memory_order_acquire);
    if (fd >= 0) ::tcsetattr(fd, TCSAFLUSH, &terminal_saved);  // FLUSH: a half-typed passphrase is not left for the shell
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    ::sigaction(sig, &dfl, nullptr);
    ::raise(sig);  // blocked while the handler runs: delivered, with the default action, when it returns
}

void take_over(int sig, const sigset_t& mask) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0 || (old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) return;
    struct sigaction act {};
    act.sa_handler = on_fatal_signal;
    act.sa_mask = mask;  // no second signal interrupts the clean-up
    act.sa_flags = SA_RESTART;
    ::sigaction(sig, &act, nullptr);
}

}  // namespace

void harden_process() {
    static bool done = false;
    if (done) return;
    done = true;

    for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        // Read-only for stdout: a write to a stdout that was closed fails (EBADF) instead of
        // vanishing, and the tool reports it.
        const int got = ::open("/dev/null", fd == STDERR_FILENO ? O_WRONLY : O_RDONLY);
        if (got != fd) ::_exit(1);  // lower descriptors are open, so `got` can only be fd or -1
        if (fd == STDOUT_FILENO) stdout_closed = true;
    }

    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

    sigset_t mask;
    sigemptyset(&mask);
    for (int sig : fatal_signals) sigaddset(&mask, sig);
    for (int sig = SIGRTMIN; sig <= SIGRTMAX; ++sig) sigaddset(&mask, sig);
    for (int sig : fatal_signals) take_over(sig, mask);
    for (int sig = SIGRTMIN; sig <= SIGRTMAX; ++sig) take_over(sig, mask);
}

bool stdout_was_closed() { return stdout_closed; }

void restore_terminal_on_signal(int fd, const termios& saved) {
    terminal_saved = saved;
    terminal_fd.store(fd, std::memory_order_release);
}

void end_if_prompting(int sig) {
    if (terminal_fd.load(std::memory_order_acquire) >= 0) on_fatal_signal(sig);
}

void forget_terminal() { terminal_fd.store(-1, std::memory_order_release); }

}  // namespace keypipe
