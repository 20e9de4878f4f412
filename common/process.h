// Start-up hardening that every tool runs before anything else (Tool::run calls
// harden_process() first).
#pragma once


namespace keypipe {

// Makes the process safe to run, once (later calls do nothing):
// - Standard descriptors 0-2 that are closed are opened on /dev/null, so that no file
//   opened later (an output, a key) can become stdin, stdout or stderr. A closed stdout
//   gets a read-only placeholder: writing to it fails (see stdout_was_closed), it never
//   succeeds into nothing. Without /dev/null the process exits with status 1 at once.
void harden_process();

// True when stdout was closed when the process started.
bool stdout_was_closed();

}  // namespace keypipe
