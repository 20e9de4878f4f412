// Start-up hardening that every tool runs before anything else (Tool::run calls
// harden_process() first), and what happens when a signal ends the process: the terminal
// gets its echo back. POSIX: process.cpp; Windows: process_win.cpp, which has no signals,
// modes or core dumps (see there).
#pragma once

#ifndef _WIN32
#include <termios.h>
#endif

namespace keypipe {

// Makes the process safe to run, once (later calls do nothing):
// - Standard descriptors 0-2 that are closed are opened on /dev/null, so that no file
//   opened later (an output, a key) can become stdin, stdout or stderr. A closed stdout
//   gets a read-only placeholder: writing to it fails (see stdout_was_closed), it never
//   succeeds into nothing. Without /dev/null the process exits with status 1 at once.
// - No core dumps: RLIMIT_CORE 0 and PR_SET_DUMPABLE 0, as ssh-agent does, so a signal
//   during a slow KDF cannot write key material to disk; it also keeps other processes
//   of the same user from attaching to this one.
// - Every signal whose default action ends the process, and whose action is still the
//   default (not ignored by the caller, not taken by a sanitizer), gets a handler that
//   restores the terminal (see restore_terminal_on_signal), then ends the
//   process by the same signal (same exit status as without the handler).
void harden_process();

// True when stdout was closed when the process started.
bool stdout_was_closed();

#ifndef _WIN32
// While set, a signal that ends the process first restores `saved` on the terminal `fd`
// (the passphrase prompt turns echo off between the two calls).
void restore_terminal_on_signal(int fd, const termios& saved);
void forget_terminal();
#endif
// For a signal handler that would let the process go on (a batch's first SIGINT): when a
// prompt is up, a person pressed Ctrl-C at it, so the process ends as harden_process's
// handler would (terminal restored, same signal). Async-signal-safe.
void end_if_prompting(int sig);

}  // namespace keypipe
