// The Windows console for the passphrase prompt (passphrase.cpp's Tty on POSIX opens
// /dev/tty): the prompt and the answer go through CONOUT$ and CONIN$ even when stdin and
// stdout are redirected, and the answer is read with echo off. Windows only.
#pragma once

#include "bytes.h"

#include <string>

namespace keypipe {

class Tty {
public:
    Tty();
    ~Tty();
    Tty(const Tty&) = delete;
    Tty& operator=(const Tty&) = delete;
    // False when the process has no console (a service, a CI job): never a hang.
    bool ok() const;
    // Shows prompt and reads one line, at most max_passphrase_bytes of UTF-8, with echo
    // off; echo comes back afterwards, and also when Ctrl-C or a closed window ends the
    // process mid-answer.
    SecretBytes ask(const std::string& prompt);

private:
    void* in_;
    void* out_;
};

}  // namespace keypipe
