#include "process.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace keypipe {
namespace {

bool stdout_closed = false;

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
}

bool stdout_was_closed() { return stdout_closed; }

}  // namespace keypipe
