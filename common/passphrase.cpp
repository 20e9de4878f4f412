#include "passphrase.h"

#include "error.h"
#include "platform.h"

#include <botan/mem_ops.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#ifdef _WIN32
#include "console_win.h"  // Tty: the console, echo off while a passphrase is typed
#else
#include <fcntl.h>
#include <termios.h>
#endif

namespace keypipe {
namespace {

// Reads the first line of fd (without LF or CRLF), at most max_passphrase_bytes.
SecretBytes read_first_line(int fd, const std::string& name) {
    SecretBytes line;
    uint8_t ch = 0;
    for (;;) {
        const ssize_t n = ::read(fd, &ch, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error("cannot read passphrase from " + name + ": " + std::strerror(errno));
        if (n == 0 || ch == '\n') break;
        if (line.size() == max_passphrase_bytes)
            throw Error("passphrase from " + name + " is longer than " + std::to_string(max_passphrase_bytes) + " bytes");
        line.push_back(ch);
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

#ifndef _WIN32
class EchoOff {
public:
    explicit EchoOff(int fd) : fd_(fd) {
        if (tcgetattr(fd_, &saved_) == 0) {
            termios t = saved_;
            t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            active_ = tcsetattr(fd_, TCSANOW, &t) == 0;  // TCSANOW: keep type-ahead
        }
    }
    ~EchoOff() {
        if (active_) tcsetattr(fd_, TCSANOW, &saved_);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

class Tty {
public:
    Tty() : fd_(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) {}
    ~Tty() {
        if (fd_ >= 0) ::close(fd_);
    }
    Tty(const Tty&) = delete;
    Tty& operator=(const Tty&) = delete;
    bool ok() const { return fd_ >= 0; }
    SecretBytes ask(const std::string& prompt) {
        (void)!::write(fd_, prompt.data(), prompt.size());
        SecretBytes answer;
        {
            EchoOff off(fd_);
            answer = read_first_line(fd_, "the terminal");
        }
        (void)!::write(fd_, "\n", 1);
        return answer;
    }

private:
    int fd_;
};
#endif

[[noreturn]] void no_terminal(const std::string& what, const std::string& option) {
    throw Error(what + " needs a passphrase and there is no terminal to ask on (use " + option +
                " env:VAR, file:PATH or fd:N)");
}

}  // namespace

Passphrase::Passphrase(std::string spec, std::string option) : spec_(std::move(spec)), option_(std::move(option)) {
    if (spec_ == "prompt") spec_.clear();  // ask on the terminal, as with no option at all
    if (spec_.empty()) return;
    const size_t colon = spec_.find(':');
    const std::string kind = colon == std::string::npos ? spec_ : spec_.substr(0, colon);
    if (kind != "pass" && kind != "env" && kind != "file" && kind != "fd")
        throw UsageError(option_ + " takes pass:TEXT, env:VAR, file:PATH, fd:N or prompt");
    if (colon == std::string::npos || (kind != "pass" && colon + 1 == spec_.size()))
        throw UsageError(option_ + " " + kind + ": needs a value after the colon");
}

SecretBytes Passphrase::read_spec() {
    const size_t colon = spec_.find(':');
    const std::string kind = spec_.substr(0, colon), value = spec_.substr(colon + 1);
    if (kind == "pass") return SecretBytes(value.begin(), value.end());
    if (kind == "env") {
        const char* v = std::getenv(value.c_str());
        if (!v) throw Error(option_ + " env:" + value + ": variable is not set");
        return SecretBytes(v, v + std::strlen(v));
    }
    if (kind == "file") {
        const int fd = platform::open_read(value);
        if (fd < 0) throw Error(option_ + " file:" + value + ": " + std::strerror(errno));
        try {
            SecretBytes line = read_first_line(fd, "file:" + value);
            ::close(fd);
            return line;
        } catch (...) {
            ::close(fd);
            throw;
        }
    }
    char* end = nullptr;
    errno = 0;
    const long fd = std::strtol(value.c_str(), &end, 10);
    if (*end || errno || fd < 0 || fd > INT_MAX) throw UsageError(option_ + " fd: takes a file descriptor number");
    return read_first_line(static_cast<int>(fd), "fd:" + value);
}

SecretBytes Passphrase::get(const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cached_) return *cached_;
    if (given()) {
        cached_ = read_spec();
    } else {
        Tty tty;
        if (!tty.ok()) no_terminal(what, option_);
        cached_ = tty.ask("Enter passphrase for " + what + ": ");
    }
    return *cached_;
}

SecretBytes Passphrase::get_new(const std::string& what) {
    SecretBytes pass = given() ? get(what) : ask_new(what);
    // Writers take an empty passphrase to mean "no encryption": asked to encrypt, an
    // empty file, variable or answer must not quietly give an unencrypted key.
    if (pass.empty())
        throw Error(option_ + " gives an empty passphrase (leave out " + option_ + " to write an unencrypted key)");
    return pass;
}

SecretBytes Passphrase::ask_new(const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cached_) return *cached_;
    Tty tty;
    if (!tty.ok()) no_terminal(what, option_);
    SecretBytes first = tty.ask("Enter new passphrase for " + what + ": ");
    SecretBytes second = tty.ask("Enter the same passphrase again: ");
    if (first != second) throw Error("passphrases do not match");
    cached_ = std::move(first);
    return *cached_;
}

SecretBytes NoPassphrase::get(const std::string& what) {
    throw Error(what + " is encrypted (use --passin SRC)");
}

}  // namespace keypipe
