// process.h on Windows (POSIX: process.cpp): a process started without standard handles
// (from a GUI, a service) gets NUL in their place, so no file opened later becomes fd 0-2.
#include "process.h"

#include <windows.h>

#include <fcntl.h>
#include <io.h>

namespace keypipe {
namespace {

bool stdout_closed = false;

}  // namespace

void harden_process() {
    static bool done = false;
    if (done) return;
    done = true;
    for (int fd = 0; fd <= 2; ++fd) {
        const intptr_t h = _get_osfhandle(fd);
        if (h != -1 && h != -2) continue;  // -2: no handle behind the descriptor
        // Read-only for stdout, as on POSIX: writing to it fails instead of vanishing.
        const int got = _open("NUL", fd == 2 ? _O_WRONLY : _O_RDONLY);
        if (got < 0 || (got != fd && _dup2(got, fd) != 0)) ExitProcess(1);
        if (got != fd) _close(got);
        if (fd == 1) stdout_closed = true;
    }
}

bool stdout_was_closed() { return stdout_closed; }

}  // namespace keypipe
