// process.h on Windows (POSIX: process.cpp). What harden_process does there has these
// counterparts or none:
// - Closed standard streams: a process started without one has a null or invalid standard
//   handle, and the CRT's descriptors 0-2 are then not open; they are opened on NUL here
//   (stdout read-only, so that a write to it fails, as on POSIX), so that a file opened
//   later can never become descriptor 0, 1 or 2.
// - Core dumps: no equivalent is needed. Windows writes a crash dump only when Windows
//   Error Reporting is configured to (LocalDumps) or a debugger is attached; and
//   platform::start ends a crash at once with exit code 99 (SetUnhandledExceptionFilter),
//   before error reporting runs.
// - Signals: there are none. Ctrl-C reaches a console program as a console control event:
//   by default it ends the process, and the console's input mode (echo) belongs to the
//   console, which console_win.cpp restores from its own handler. A batch's Ctrl-C
//   summary is batch.cpp's SetConsoleCtrlHandler.
#include "process.h"

#include <windows.h>

#include <cstdio>
#include <fcntl.h>
#include <io.h>

namespace keypipe {
namespace {

bool stdout_closed = false;

bool is_open(int fd) { return _get_osfhandle(fd) != -1 && _get_osfhandle(fd) != -2; }

}  // namespace

void harden_process() {
    static bool done = false;
    if (done) return;
    done = true;
    for (int fd = 0; fd <= 2; ++fd) {
        if (is_open(fd)) continue;
        const int got = _open("NUL", fd == 2 ? _O_WRONLY : _O_RDONLY);
        if (got < 0) std::_Exit(1);
        if (got != fd) {
            _dup2(got, fd);
            _close(got);
        }
        if (fd == 1) stdout_closed = true;
    }
}

bool stdout_was_closed() { return stdout_closed; }

}  // namespace keypipe
